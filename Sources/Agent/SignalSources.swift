import Dispatch
import Foundation

/// Signals delivered to the loop instead of killing the process.
final class SignalSources: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]

    init(_ numbers: [Int32], _ handler: @escaping @Sendable (Int32) -> Void) {
        sources = numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }
}
