import Foundation

/// The heartbeat key: a file holding a base64 secret of at least 32 bytes (`openssl rand -base64 32`),
/// the same on both nodes. Errors name the file, never the secret.
public enum PairKeyFile {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public static let minimumLength = 32

    public static func read(_ path: String) throws(Problem) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "\(path): cannot read the heartbeat key file")
        }
        let text = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).joined()
        guard let secret = Data(base64Encoded: text) else {
            throw Problem(description: "\(path): the heartbeat key is not base64 (make one with: openssl rand -base64 32)")
        }
        guard secret.count >= minimumLength else {
            throw Problem(description: "\(path): the heartbeat key has \(secret.count) bytes; it needs at least \(minimumLength)")
        }
        return Array(secret)
    }
}
