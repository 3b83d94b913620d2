import DNSModel
import DNSUpdate
import FailoverCore
import VIPControl

import Foundation

/// The exit codes that scripts and cron rely on; documented in `dnsfix --help` and the README.
enum DNSFixExit: Int32 {
    case done = 0
    case failed = 1
    case usage = 2
    case prerequisiteFailed = 3
    case unreachable = 4
    /// Another host answers for the VIP: nothing was plumbed.
    case conflict = 5
    /// What a monitor asked about is not in place: `vip status`, a VIP not plumbed on this host;
    /// `update --check`, records the primary does not hold (nothing was changed).
    case notInPlace = 6

    static func code(for error: Error) -> DNSFixExit {
        switch error {
        case DNSError.prerequisiteFailed: .prerequisiteFailed
        case DNSError.unreachable: .unreachable
        case DNSError.invalidInput: .usage
        case is ConfigError, is DNSModelError: .usage
        case VIPError.conflict: .conflict
        case VIPError.outsideTopology, VIPError.ownAddress, VIPError.noSuchInterface, VIPError.invalidPrefix: .usage
        default: .failed
        }
    }
}

/// An error to report on standard error (or as JSON) before exiting with its code.
struct CommandFailure: Error {
    var code: DNSFixExit
    var message: String
    var json: Bool = false

    init(_ error: Error, json: Bool = false) {
        self.code = DNSFixExit.code(for: error)
        self.message = "\(error)"
        self.json = json
    }

    init(_ error: Error, code: DNSFixExit, json: Bool = false) {
        self.code = code
        self.message = "\(error)"
        self.json = json
    }

    /// An exit code whose reason the command has already printed.
    init(silent code: DNSFixExit) {
        self.code = code
        self.message = ""
    }

    init(usage message: String, json: Bool = false) {
        self.code = .usage
        self.message = message
        self.json = json
    }

    private struct Report: Encodable {
        var status = "error"
        var exit: Int32
        var error: String
    }

    func report() {
        if message.isEmpty { return }
        if json {
            Output.json(Report(exit: code.rawValue, error: message))
        } else {
            Output.error("dnsfix: error: \(message)")
        }
    }
}

enum Output {
    static func line(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func json<Value: Encodable>(_ value: Value) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        line(String(decoding: data, as: UTF8.self))
    }
}
