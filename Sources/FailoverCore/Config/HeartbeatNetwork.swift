import DNSModel

/// One heartbeat network as one node sees it: network i joins the i-th heartbeat address of each
/// node, so that losing one network leaves the others to carry the heartbeats.
public struct HeartbeatNetwork: Sendable, Equatable {
    /// The network's place in the nodes' `heartbeat` lists, counted from 0.
    public var index: Int
    /// This node's address on the network: heartbeats are sent from it and received on it.
    public var local: IPAddress
    /// The peer's address on the network: heartbeats are sent to it.
    public var peer: IPAddress

    /// The networks between `node` and its `peer`, in network order.
    public static func between(_ node: NodeSettings, and peer: NodeSettings) -> [HeartbeatNetwork] {
        zip(node.heartbeat, peer.heartbeat).enumerated().map { HeartbeatNetwork(index: $0, local: $1.0, peer: $1.1) }
    }
}
