import Foundation
import Synchronization

private let labsMade = Atomic<Int>(0)

/// The prefix of a lab's namespace and link names: unique across processes by the PID and within one
/// by a counter, since labs run side by side (a random suffix collided now and then). Short enough
/// for the 15-character interface names built on it.
func labPrefix(_ kind: String) -> String {
    let serial = labsMade.add(1, ordering: .relaxed).newValue % 0xfff
    return kind + "\(getpid() % 100_000)" + String(serial, radix: 16)
}
