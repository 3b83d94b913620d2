import ArgumentParser
import DNSModel
import FailoverCore

#if canImport(Glibc)
import Glibc
#endif

@main
struct DNSFix: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnsfix",
        abstract: "DNS-integrated failover for two-node pairs.",
        discussion: """
            Exit codes of update: 0 done or nothing to do, 1 refused or failed, 2 usage or config error, \
            3 prerequisite failed (compare-and-swap lost), 4 DNS server unreachable, \
            6 (--check) the primary does not hold what was asked. \
            Of audit: 0 clean, 1 findings, 2 error. Of check: 0 valid, 2 invalid.
            Of vip: 0 done, 1 failed, 2 usage or config error, 5 address conflict (another host answers for the VIP), \
            6 not plumbed on this host (vip status).
            """,
        subcommands: [AgentCommand.self, StatusCommand.self, SwapCommand.self, StopCommand.self, StartCommand.self,
                      PrimCommand.self, SecondCommand.self, UpdateCommand.self, AuditCommand.self, CheckCommand.self,
                      VIPCommand.self]
    )

    /// Argument errors exit 2, as the README documents, rather than ArgumentParser's EX_USAGE (64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var agent = command as? AsyncParsableCommand {
                try await agent.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            failure.report()
            Glibc.exit(failure.code.rawValue)
        } catch let error where error is ConfigError || error is DNSModelError {
            // A config or key file that does not parse: FILE:LINE and exit 2, from any subcommand.
            let failure = CommandFailure(error)
            failure.report()
            Glibc.exit(failure.code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Output.error(fullMessage(for: error))
                Glibc.exit(DNSFixExit.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
