import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny, dependency-free DNS client, just enough to tell when a test server is up and that it is
/// ours: one question, no EDNS, no TSIG. Not for the code under test (that uses ldns).
public enum DNSProbe {
    public struct Reply: Sendable {
        public let rcode: UInt8
        public let authoritative: Bool
        public let answers: [Answer]
    }

    public struct Answer: Sendable {
        public let type: UInt16
        public let rdata: [UInt8]

        /// The character-strings of a TXT record, concatenated.
        public var txt: String {
            var index = 0
            var result = ""
            while index < rdata.count {
                let length = Int(rdata[index])
                let end = min(index + 1 + length, rdata.count)
                result += String(decoding: rdata[(index + 1)..<end], as: UTF8.self)
                index = end
            }
            return result
        }
    }

    public static let typeA: UInt16 = 1
    public static let typeSOA: UInt16 = 6
    public static let typeTXT: UInt16 = 16
    public static let classIN: UInt16 = 1
    public static let classCH: UInt16 = 3

    /// Sends one query and returns the parsed reply, or nil on any failure (nothing listening,
    /// timeout, malformed or mismatched reply).
    public static func query(
        address: String, port: UInt16, name: String, type: UInt16, class qclass: UInt16 = classIN,
        tcp: Bool = false, timeout: Double = 0.5
    ) -> Reply? {
        let id = UInt16.random(in: 0...UInt16.max)
        guard let message = encodeQuery(id: id, name: name, type: type, class: qclass) else { return nil }
        guard let raw = tcp
            ? exchangeTCP(address: address, port: port, message: message, timeout: timeout)
            : exchangeUDP(address: address, port: port, message: message, timeout: timeout)
        else { return nil }
        return parseReply(raw, id: id)
    }

    /// The TXT text of `id.server. CH TXT` (the server's configured identity), or nil.
    public static func serverIdentity(address: String, port: UInt16, tcp: Bool = false, timeout: Double = 0.5) -> String? {
        guard let reply = query(
            address: address, port: port, name: "id.server.", type: typeTXT, class: classCH, tcp: tcp, timeout: timeout),
            reply.rcode == 0,
            let answer = reply.answers.first(where: { $0.type == typeTXT })
        else { return nil }
        return answer.txt
    }

    /// True when the server answers authoritatively with the SOA of `zone`.
    public static func servesZone(address: String, port: UInt16, zone: String, tcp: Bool = false, timeout: Double = 0.5) -> Bool {
        guard let reply = query(address: address, port: port, name: zone, type: typeSOA, tcp: tcp, timeout: timeout) else {
            return false
        }
        return reply.rcode == 0 && reply.authoritative && reply.answers.contains { $0.type == typeSOA }
    }

    // MARK: - Wire format

    static func encodeQuery(id: UInt16, name: String, type: UInt16, class qclass: UInt16) -> [UInt8]? {
        var bytes: [UInt8] = []
        func put16(_ value: UInt16) { bytes.append(UInt8(value >> 8)); bytes.append(UInt8(value & 0xff)) }
        put16(id)
        put16(0)  // QR=0, opcode QUERY, RD=0
        put16(1)  // QDCOUNT
        put16(0); put16(0); put16(0)
        for label in name.split(separator: ".", omittingEmptySubsequences: true) {
            let utf8 = Array(label.utf8)
            guard !utf8.isEmpty, utf8.count < 64 else { return nil }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
        put16(type)
        put16(qclass)
        return bytes
    }

    static func parseReply(_ bytes: [UInt8], id: UInt16) -> Reply? {
        guard bytes.count >= 12 else { return nil }
        func read16(_ at: Int) -> UInt16? {
            guard at + 1 < bytes.count else { return nil }
            return UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
        }
        /// Index just past the (possibly compressed) name starting at `start`.
        func skipName(_ start: Int) -> Int? {
            var index = start
            while index < bytes.count {
                let length = bytes[index]
                if length == 0 { return index + 1 }
                if length & 0xc0 == 0xc0 { return index + 2 <= bytes.count ? index + 2 : nil }
                index += 1 + Int(length)
            }
            return nil
        }
        guard read16(0) == id, let flags = read16(2), flags & 0x8000 != 0,
              let qdcount = read16(4), let ancount = read16(6)
        else { return nil }
        var index = 12
        for _ in 0..<qdcount {
            guard let next = skipName(index) else { return nil }
            index = next + 4
        }
        var answers: [Answer] = []
        for _ in 0..<ancount {
            guard let next = skipName(index), let type = read16(next), let rdlength = read16(next + 8) else { return nil }
            let start = next + 10
            let end = start + Int(rdlength)
            guard end <= bytes.count else { return nil }
            answers.append(Answer(type: type, rdata: Array(bytes[start..<end])))
            index = end
        }
        return Reply(rcode: UInt8(flags & 0x000f), authoritative: flags & 0x0400 != 0, answers: answers)
    }

    // MARK: - Sockets

    static func socketAddress(_ address: String, _ port: UInt16) -> sockaddr_in? {
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &sin.sin_addr) == 1 else { return nil }
        return sin
    }

    static func setTimeouts(_ fd: Int32, _ seconds: Double) {
        var tv = timeval()
        tv.tv_sec = .init(seconds)
        tv.tv_usec = .init((seconds - Double(Int(seconds))) * 1_000_000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    static func connectSocket(type: Int32, address: String, port: UInt16, timeout: Double) -> Int32? {
        guard var sin = socketAddress(address, port) else { return nil }
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { return nil }
        setTimeouts(fd, timeout)
        let result = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { close(fd); return nil }
        return fd
    }

    static func exchangeUDP(address: String, port: UInt16, message: [UInt8], timeout: Double) -> [UInt8]? {
        #if canImport(Glibc)
        let type = Int32(SOCK_DGRAM.rawValue)
        #else
        let type = SOCK_DGRAM
        #endif
        guard let fd = connectSocket(type: type, address: address, port: port, timeout: timeout) else { return nil }
        defer { close(fd) }
        guard send(fd, message, message.count, 0) == message.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let received = recv(fd, &buffer, buffer.count, 0)
        guard received > 0 else { return nil }  // ECONNREFUSED when nothing listens, EAGAIN on timeout
        return Array(buffer[0..<received])
    }

    static func exchangeTCP(address: String, port: UInt16, message: [UInt8], timeout: Double) -> [UInt8]? {
        #if canImport(Glibc)
        let type = Int32(SOCK_STREAM.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        guard let fd = connectSocket(type: type, address: address, port: port, timeout: timeout) else { return nil }
        defer { close(fd) }
        let framed = [UInt8(message.count >> 8), UInt8(message.count & 0xff)] + message
        guard send(fd, framed, framed.count, 0) == framed.count else { return nil }
        func readExactly(_ count: Int) -> [UInt8]? {
            var result = [UInt8](repeating: 0, count: count)
            var have = 0
            while have < count {
                let got = result.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + have, count - have, 0) }
                guard got > 0 else { return nil }
                have += got
            }
            return result
        }
        guard let prefix = readExactly(2) else { return nil }
        return readExactly(Int(prefix[0]) << 8 | Int(prefix[1]))
    }
}
