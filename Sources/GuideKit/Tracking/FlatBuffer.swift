import CHotPath
import Foundation

/// A growable array of plain values kept in one manually managed allocation.
///
/// The tallies keep millions of small records; `Array` would check bounds and uniqueness on every
/// write in the hot loop. Only trivial (bitwise-copyable) element types are stored.
final class FlatBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int
    /// Bytes of address space reserved up front (0 when allocated with malloc).
    private var reserved = 0

    /// Creates a buffer for `capacity` values that grows by copying.
    init(capacity: Int = 1_024) {
        self.capacity = max(16, capacity)
        base = allocateLarge(Element.self, capacity: self.capacity)
    }

    /// Creates a buffer that reserves address space for `reserving` bytes and never moves.
    ///
    /// Pages are committed only when written, so a big reservation costs nothing, and growing copies nothing
    /// (no peak of old and new storage). Falls back to malloc when the reservation fails.
    init(reserving bytes: Int) {
        let stride = MemoryLayout<Element>.stride
        let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        if let mapped, mapped != MAP_FAILED {
            #if os(Linux)
            _ = madvise(mapped, bytes, MADV_HUGEPAGE)
            #endif
            reserved = bytes
            capacity = bytes / stride
            base = mapped.bindMemory(to: Element.self, capacity: capacity)
        } else {
            capacity = 1 << 16
            base = allocateLarge(Element.self, capacity: capacity)
        }
    }

    deinit {
        if reserved > 0 { munmap(UnsafeMutableRawPointer(base), reserved) } else { releaseLarge(base) }
    }

    @inline(__always)
    func append(_ value: Element) {
        if count == capacity { grow(to: capacity * 2) }
        (base + count).initialize(to: value)
        count += 1
    }

    /// Appends `repeatedCount` copies of `value`.
    @inline(__always)
    func append(repeating value: Element, count repeatedCount: Int) {
        if count + repeatedCount > capacity { grow(to: max(capacity * 2, count + repeatedCount)) }
        (base + count).initialize(repeating: value, count: repeatedCount)
        count += repeatedCount
    }

    /// Empties the buffer, keeping its storage.
    func removeAll() { count = 0 }

    /// The number of values the storage holds before the buffer grows.
    var storageCapacity: Int { capacity }

    /// Takes the count of values that C code wrote in place, within the storage.
    func setCount(_ newCount: Int) {
        precondition(newCount >= 0 && newCount <= capacity, "count beyond the storage")
        count = newCount
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        get { base[index] }
        set { base[index] = newValue }
    }

    func grow(to newCapacity: Int) {
        guard newCapacity > capacity else { return }
        if reserved > 0 {
            // Past the reservation: continue in malloc'd storage.
            let fresh = allocateLarge(Element.self, capacity: newCapacity)
            fresh.moveInitialize(from: base, count: count)
            munmap(UnsafeMutableRawPointer(base), reserved)
            reserved = 0
            base = fresh
            capacity = newCapacity
            return
        }
        let fresh = allocateLarge(Element.self, capacity: newCapacity)
        fresh.moveInitialize(from: base, count: count)
        releaseLarge(base)
        base = fresh
        capacity = newCapacity
    }

    /// Appends a short byte string (a user id in a routed batch): up to 16 bytes are copied as two
    /// overlapping words, without a call to `memmove`.
    @inline(__always)
    func appendShort(_ source: UnsafeRawPointer, count byteCount: Int) where Element == UInt8 {
        guard byteCount <= 16, count + byteCount <= capacity else {
            return append(contentsOf: source, count: byteCount)
        }
        let target = UnsafeMutableRawPointer(base + count)
        if byteCount >= 8 {
            let tail = source.loadUnaligned(fromByteOffset: byteCount - 8, as: UInt64.self)
            target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: byteCount - 8, as: UInt64.self)
        } else if byteCount >= 4 {
            let tail = source.loadUnaligned(fromByteOffset: byteCount - 4, as: UInt32.self)
            target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: byteCount - 4, as: UInt32.self)
        } else {
            for offset in 0..<byteCount {
                let byte = source.load(fromByteOffset: offset, as: UInt8.self)
                target.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
            }
        }
        count += byteCount
    }

    /// Appends raw bytes (only for `UInt8` buffers, used by the interner's arena).
    func append(contentsOf source: UnsafeRawPointer, count byteCount: Int) where Element == UInt8 {
        if count + byteCount > capacity { grow(to: max(capacity * 2, count + byteCount)) }
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: byteCount)
        count += byteCount
    }
}

/// Mixes a 64-bit key into a well-spread hash (the finaliser of SplitMix64).
@inline(__always)
func mixBits(_ value: UInt64) -> UInt64 {
    var mixed = value
    mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
    return mixed ^ (mixed >> 31)
}

/// Hashes a byte slice eight bytes at a time.
///
/// The function is `gk_hash_bytes` in C, which the C event runs use to route users: one definition,
/// so that both readers send a user to the same thread and the run table finds it by the same hash.
@inline(__always)
func hashBytes(_ pointer: UnsafeRawPointer, _ count: Int) -> UInt64 {
    gk_hash_bytes(pointer.assumingMemoryBound(to: UInt8.self), count)
}

/// The bytes after the last whole word of a `count`-byte slice (`count % 8 != 0`), read without a
/// byte loop and without reading outside the slice: the last eight bytes when there are eight
/// (overlapping the word before), else two overlapping 4-byte or three single loads.
///
/// Equal slices give equal words; the word of a slice is not its plain tail, which a hash does not need.
@inline(__always)
func tailWord(_ pointer: UnsafeRawPointer, _ count: Int) -> UInt64 {
    if count >= 8 { return pointer.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) }
    if count >= 4 {
        let low = pointer.loadUnaligned(as: UInt32.self)
        let high = pointer.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        return UInt64(low) | UInt64(high) << 32
    }
    let first = UInt64(pointer.load(as: UInt8.self))
    let middle = UInt64(pointer.load(fromByteOffset: count >> 1, as: UInt8.self))
    let last = UInt64(pointer.load(fromByteOffset: count - 1, as: UInt8.self))
    return first | middle << 8 | last << 16
}

/// Two words that, with the length, identify a byte string of at most 16 bytes.
///
/// They are its first and last eight bytes (overlapping when shorter than 16), or for shorter strings
/// ``tailWord(_:_:)``'s loads. Reads only inside the string.
@inline(__always)
func inlineWords(_ pointer: UnsafeRawPointer, _ count: Int) -> (UInt64, UInt64) {
    if count >= 8 {
        return (
            pointer.loadUnaligned(as: UInt64.self),
            pointer.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        )
    }
    return count == 0 ? (0, 0) : (tailWord(pointer, count), 0)
}

/// An open-addressing index from 64-bit keys to dense record numbers `0..<count`.
///
/// The keys live in `keys` (record order), the table holds only record numbers, so a record's key
/// costs 8 bytes plus about 6 bytes of table.
final class KeyIndex {
    let keys = FlatBuffer<UInt64>()
    private var slots: UnsafeMutablePointer<Int32>
    private var mask: Int

    init(capacity: Int = 1_024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        (slots, mask) = slotTable(size: size, records: 0) { _ in 0 }
    }

    deinit { releaseLarge(slots) }

    var count: Int { keys.count }

    /// The record number of `key`, and whether it was just added.
    @inline(__always)
    func insert(_ key: UInt64) -> (index: Int, isNew: Bool) {
        var slot = Int(truncatingIfNeeded: mixBits(key)) & mask
        while true {
            let found = slots[slot]
            if found < 0 {
                let index = keys.count
                slots[slot] = Int32(truncatingIfNeeded: index)
                keys.append(key)
                if keys.count * 10 > (mask + 1) * 7 { rehash() }
                return (index, true)
            }
            if keys[Int(found)] == key { return (Int(found), false) }
            slot = (slot + 1) & mask
        }
    }

    private func rehash() {
        releaseLarge(slots)
        (slots, mask) = slotTable(size: (mask + 1) * 2, records: keys.count) { mixBits(keys[$0]) }
    }
}

/// Interns byte strings (guide, step, variant and breakdown ids) into dense integers `0..<count`.
///
/// A log names a few hundred of these; users, of which there are millions, are kept in
/// ``RunTable``'s user index instead.
final class ByteInterner {
    private let arena: FlatBuffer<UInt8>
    private let starts: FlatBuffer<Int>
    private let hashes: FlatBuffer<UInt64>
    private var slots: UnsafeMutablePointer<Int32>
    private var mask: Int

    /// Creates an empty interner.
    init() {
        arena = FlatBuffer(capacity: 1 << 12)
        starts = FlatBuffer(capacity: 256)
        hashes = FlatBuffer(capacity: 256)
        (slots, mask) = slotTable(size: 1 << 12, records: 0) { _ in 0 }
        starts.append(0)
    }

    deinit { releaseLarge(slots) }

    /// The number of distinct strings.
    var count: Int { hashes.count }

    /// The id of the bytes, adding them when new.
    @inline(__always)
    func intern(_ pointer: UnsafeRawPointer, _ length: Int) -> Int32 {
        intern(pointer, length, hash: hashBytes(pointer, length))
    }

    /// The id of the bytes whose ``hashBytes(_:_:)`` is `hash`, adding them when new.
    @inline(__always)
    func intern(_ pointer: UnsafeRawPointer, _ length: Int, hash: UInt64) -> Int32 {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let found = slots[slot]
            if found < 0 { break }
            let id = Int(found)
            if hashes[id] == hash {
                let start = starts[id]
                if starts[id + 1] - start == length, bytesEqual(arena.base + start, pointer, length) {
                    return found
                }
            }
            slot = (slot + 1) & mask
        }
        let id = Int32(truncatingIfNeeded: hashes.count)
        slots[slot] = id
        hashes.append(hash)
        arena.append(contentsOf: pointer, count: length)
        starts.append(arena.count)
        if hashes.count * 10 > (mask + 1) * 6 { rehash() }
        return id
    }

    /// The id of a string, adding it when new.
    func intern(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else {
                var empty: UInt8 = 0
                return intern(&empty, 0)
            }
            return intern(base, buffer.count)
        }
    }

    /// The string with the given id.
    func string(_ id: Int32) -> String {
        let start = starts[Int(id)]
        let end = starts[Int(id) + 1]
        return String(decoding: UnsafeBufferPointer(start: arena.base + start, count: end - start), as: UTF8.self)
    }

    /// Whether the string with the given id has exactly these bytes.
    @inline(__always)
    func equals(_ id: Int32, _ pointer: UnsafeRawPointer, _ length: Int) -> Bool {
        let start = starts[Int(id)]
        return starts[Int(id) + 1] - start == length && bytesEqual(arena.base + start, pointer, length)
    }

    private func rehash() {
        releaseLarge(slots)
        (slots, mask) = slotTable(size: (mask + 1) * 2, records: hashes.count) { hashes[$0] }
    }
}

/// A fresh open-addressing slot table of `size` (a power of two) slots holding record numbers, `-1`
/// for empty, with records `0..<records` placed by `hash` (linear probing); the table and its mask.
///
/// ``KeyIndex`` and ``ByteInterner`` start and grow their tables with it.
func slotTable(
    size: Int,
    records: Int,
    hash: (Int) -> UInt64
) -> (slots: UnsafeMutablePointer<Int32>, mask: Int) {
    let slots = allocateLarge(Int32.self, capacity: size)
    slots.initialize(repeating: -1, count: size)
    let mask = size - 1
    for record in 0..<records {
        var slot = Int(truncatingIfNeeded: hash(record)) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(truncatingIfNeeded: record)
    }
    return (slots, mask)
}

/// Whether two byte ranges are equal; inline, for the short ids of event logs.
@inline(__always)
func bytesEqual(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, _ count: Int) -> Bool {
    var offset = 0
    while offset + 8 <= count {
        if lhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            != rhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        {
            return false
        }
        offset += 8
    }
    return offset == count || tailWord(lhs, count) == tailWord(rhs, count)
}

/// Allocates memory for `capacity` values; large blocks are aligned to 2 MiB and offered to the
/// kernel for huge pages, which cuts TLB misses on the random accesses of the big tables.
///
/// Every block starts and ends on a 128-byte boundary (two cache lines, as the adjacent-line
/// prefetcher pairs them), so blocks written by different reading threads never share a line.
func allocateLarge<T>(_ type: T.Type, capacity: Int) -> UnsafeMutablePointer<T> {
    let bytes = (max(1, capacity * MemoryLayout<T>.stride) + 127) & ~127
    var memory: UnsafeMutableRawPointer?
    let alignment = bytes >= 4 << 20 ? 2 << 20 : max(128, MemoryLayout<T>.alignment)
    guard posix_memalign(&memory, alignment, bytes) == 0, let memory else {
        fatalError("out of memory allocating \(bytes) bytes")
    }
    #if os(Linux)
    if bytes >= 4 << 20 { _ = madvise(memory, bytes, MADV_HUGEPAGE) }
    #endif
    return memory.bindMemory(to: T.self, capacity: capacity)
}

/// Frees memory from ``allocateLarge(_:capacity:)``.
func releaseLarge<T>(_ pointer: UnsafeMutablePointer<T>) {
    free(UnsafeMutableRawPointer(pointer))
}
