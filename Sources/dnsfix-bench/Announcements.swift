import ArgumentParser
import Foundation
import Synchronization
import VIPControl

/// When the client heard announcements, shared between the capture thread and the measuring code.
final class HeardAnnouncements: Sendable {
    private let heard = Mutex<[(mac: MACAddress, at: ContinuousClock.Instant)]>([])

    func record(_ announcement: AnnouncementListener.Announcement) {
        heard.withLock { $0.append((announcement.mac, announcement.heardAt)) }
    }

    func clear() { heard.withLock { $0.removeAll() } }

    /// The first announcement heard after `start` (from `mac`, if given); waits up to `seconds` for it
    /// (polling every 20 µs).
    func first(after start: ContinuousClock.Instant, from mac: MACAddress? = nil, seconds: Int = 2) throws -> ContinuousClock.Instant {
        for _ in 0..<(seconds * 50_000) {
            if let found = heard.withLock({ $0.first { $0.at >= start && (mac == nil || $0.mac == mac) } }) { return found.at }
            usleep(20)
        }
        throw ValidationError("no announcement was heard in the client namespace within \(seconds) s")
    }
}

/// Reads the client's packet socket on a thread of its own until stopped.
final class CaptureThread: Sendable {
    private let stopped = Atomic<Bool>(false)

    init(listener: AnnouncementListener, heard: HeardAnnouncements) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                if let announcement = try? listener.next(within: .milliseconds(100)) { heard.record(announcement) }
            }
        }
        thread.start()
    }

    func stop() { stopped.store(true, ordering: .releasing) }
}
