import DNSModel
import FailoverCore
import VIPControl

/// Everything one node's agent needs, worked out once from the config file: the core's settings,
/// where heartbeats go, where the VIP is plumbed, how DNS is reached, where the scripts are.
public struct AgentPlan: Sendable {
    public var config: DNSFixConfig
    public var node: NodeSettings
    public var peer: NodeSettings
    public var machine: MachineSettings
    public var placements: [VIPPlacement]
    public var pairKey: [UInt8]
    public var tsigKey: TSIGKey?
    public var controlSocket: String

    public init(config: DNSFixConfig, node: NodeSettings, pairKey: [UInt8], tsigKey: TSIGKey?,
                controlSocket: String) throws(VIPError) {
        self.config = config
        self.node = node
        peer = config.peer(of: node)
        machine = MachineSettings(config: config, node: node)
        var placements: [VIPPlacement] = []
        if let vip = config.vip {
            var subnets: [VIPTopology.Subnet] = []
            for hint in vip.topology {
                guard let network = try? IPNetwork(parsing: hint.subnet) else { continue }
                subnets.append(VIPTopology.Subnet(network: network, interface: hint.interface, cidrmask: hint.cidrmask))
            }
            let topology = VIPTopology(subnets)
            for address in vip.addresses { placements.append(try topology.placement(for: address)) }
        }
        self.placements = placements
        self.pairKey = pairKey
        self.tsigKey = tsigKey
        self.controlSocket = controlSocket
    }

    /// The heartbeat networks to the peer, in network order.
    public var networks: [HeartbeatNetwork] { HeartbeatNetwork.between(node, and: peer) }

    /// What the shared name must hold while this node is active: the VIP, or in DNS-only mode the
    /// node's own address.
    public var serviceAddresses: [IPAddress] {
        config.vip?.addresses ?? [node.address]
    }
}
