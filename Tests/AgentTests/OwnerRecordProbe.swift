import DNSModel
import FailoverCore
import TestSupport

/// The owner record as the server holds it. Epochs only ever rise, but not always by one: when both
/// agents start together, the standby's heartbeats echo the first intent's epoch and the claim goes
/// above it. So the tests check who owns the pair and that each takeover raises the epoch by one.
extension RunningDNSServer {
    func owner(of sharedName: String) async throws -> OwnerClaim? {
        let texts = try await dig(try OwnerClaim.recordName(for: DNSName(sharedName)).text, "TXT")
        guard texts.count == 1, let text = texts.first else { return nil }
        return OwnerClaim(text: String(text.dropFirst().dropLast()))
    }
}
