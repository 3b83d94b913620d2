/// A binary min-heap of timed items; equal times leave in the order they were pushed.
struct EventQueue<Item> {
    private var heap: [(time: Duration, order: Int, item: Item)] = []
    private var pushed = 0

    var isEmpty: Bool { heap.isEmpty }
    var nextTime: Duration? { heap.first?.time }

    mutating func push(_ item: Item, at time: Duration) {
        heap.append((time, pushed, item))
        pushed += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard earlier(child, than: parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (time: Duration, item: Item)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, earlier(left, than: smallest) { smallest = left }
            if right < heap.count, earlier(right, than: smallest) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (top.time, top.item)
    }

    private func earlier(_ a: Int, than b: Int) -> Bool {
        heap[a].time != heap[b].time ? heap[a].time < heap[b].time : heap[a].order < heap[b].order
    }
}
