import Testing

@testable import GuideKit

@Suite struct StatisticsTests {
    // Expected values from numpy.percentile (default method 'linear').
    @Test(arguments: [
        ([3.0, 1, 4, 1, 5, 9, 2, 6], 0.5, 3.5),
        ([3.0, 1, 4, 1, 5, 9, 2, 6], 0.9, 6.899_999_999_999_999_5),
        ([7.5], 0.9, 7.5),
        ([1.0, 2], 0.9, 1.9),
    ])
    func quantilesMatchNumpy(values: [Double], q: Double, expected: Double) throws {
        let value = try #require(Statistics.quantile(sorted: values.sorted(), q))
        #expect(abs(value - expected) < 1e-12)
    }

    @Test func quantileOfNothingIsNil() {
        #expect(Statistics.quantile(sorted: [], 0.5) == nil)
    }

    @Test func wilsonIntervalMatchesTheTextbook() throws {
        // 81 of 263: the worked example of Wilson's interval (0.2553, 0.3662).
        let interval = try #require(Statistics.wilson(successes: 81, trials: 263))
        #expect(abs(interval.lowerBound - 0.255_288_519_878_274_2) < 1e-12)
        #expect(abs(interval.upperBound - 0.366_209_576_982_800_04) < 1e-12)
        let none = try #require(Statistics.wilson(successes: 0, trials: 10))
        #expect(none.lowerBound == 0)
        #expect(abs(none.upperBound - 0.277_532_799_862_889_2) < 1e-12)
        #expect(Statistics.wilson(successes: 0, trials: 0) == nil)
    }

    @Test func twoProportionZTest() throws {
        let test = try #require(Statistics.twoProportionZTest(x1: 120, n1: 400, x2: 150, n2: 400))
        #expect(abs(test.z - 2.243_088_616_368_177_6) < 1e-12)
        #expect(abs(test.p - 0.024_891_100_606_867_583) < 1e-12)
        #expect(Statistics.twoProportionZTest(x1: 0, n1: 10, x2: 0, n2: 10) == nil)
        #expect(Statistics.twoProportionZTest(x1: 1, n1: 0, x2: 0, n2: 10) == nil)
    }

    @Test func holmAdjustsStepDown() {
        let adjusted = Statistics.holm([0.01, 0.04, 0.03, 0.005])
        let expected = [0.03, 0.06, 0.06, 0.02]
        for (value, want) in zip(adjusted, expected) { #expect(abs(value - want) < 1e-12) }
        #expect(Statistics.holm([0.5, 0.9]) == [1, 1])
        #expect(Statistics.holm([]).isEmpty)
    }
}

@Suite struct SelectionTests {
    @Test(arguments: [0, 1, 2, 17, 100, 1_001, 5_000])
    func selectionEqualsSortingExactly(count: Int) throws {
        var generator = SystemRandomNumberGenerator()
        // Many ties, as in whole-second durations, and some spread.
        var values = (0..<count).map { _ in Double(Int.random(in: 0...40, using: &generator)) }
        values += (0..<count / 3).map { _ in Double.random(in: 0...1_000, using: &generator) }
        let sorted = values.sorted()
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            var copy = values
            let selected = try #require(Statistics.quantiles(of: &copy, [q]).first)
            #expect(selected == Statistics.quantile(sorted: sorted, q))
        }
        // Several at once (each after the first is selected among the values the one before left),
        // in any order, with repeats.
        let qs = [0.5, 0.9, 0.0, 1.0, 0.25, 0.9, 0.75]
        var copy = values
        let together = Statistics.quantiles(of: &copy, qs)
        #expect(together == qs.map { Statistics.quantile(sorted: sorted, $0) })
    }

    /// Time on a step is kept in whole seconds (32 bits) while the log's times are whole seconds, as
    /// Doubles otherwise, and a list may hold both once the threads' lists are joined: either way the
    /// timing is that of all the durations as Doubles.
    @Test func wholeSecondsAndOtherDurationsTimeAsDoublesDo() {
        let whole: [UInt32] = [5, 1, 9, 3, 3, 120, 7, 4_000_000_000]
        let other = [2.5, 0.25, 60.75]
        var seconds = GrowableBuffer<UInt32>()
        var values = GrowableBuffer<Double>()
        for value in whole { seconds.append(value) }
        for value in other { values.append(value) }
        let mixed = DurationList(seconds: seconds, values: values)
        #expect(mixed.count == 11)
        #expect(mixed.timing(skewed: 2) == Timing(durations: whole.map(Double.init) + other, skewed: 2))
        var only = GrowableBuffer<UInt32>()
        for value in whole { only.append(value) }
        let timing = DurationList(seconds: only).timing(skewed: 0)
        #expect(timing == Timing(durations: whole.map(Double.init), skewed: 0))
        #expect(timing.median == 6)
    }

    /// Whole seconds below `DurationList.histogramSize` are counted, larger ones listed: the timing is
    /// exactly that of all the values, whichever part a rank falls in, and after lists are joined
    /// with and without histograms.
    @Test(arguments: [0, 1, 2, 3, 10, 999, 4_000])
    func countedSecondsTimeAsTheValuesDo(count: Int) {
        var generator = SystemRandomNumberGenerator()
        let size = DurationList.histogramSize
        // Mostly small (many ties), some at the histogram's edge, some far larger.
        let whole: [UInt32] = (0..<count).map { index in
            switch index % 7 {
            case 0: return UInt32(size - 1 + Int.random(in: 0...2, using: &generator))
            case 1: return UInt32.random(in: 1_024...4_000_000_000, using: &generator)
            default: return UInt32.random(in: 0...60, using: &generator)
            }
        }
        let expected = Timing(durations: whole.map(Double.init), skewed: 1)
        var histogram = [UInt32](repeating: 0, count: size)
        var large = GrowableBuffer<UInt32>()
        for value in whole {
            if value < size { histogram[Int(value)] += 1 } else { large.append(value) }
        }
        let counted = histogram.withUnsafeBufferPointer { DurationList(histogram: $0.baseAddress, seconds: large) }
        #expect(counted.count == count)
        #expect(counted.timing(skewed: 1) == expected)
        // Half counted, half listed, joined both ways round.
        for countedFirst in [true, false] {
            var firstHalf = [UInt32](repeating: 0, count: size)
            var secondHalf = GrowableBuffer<UInt32>()
            for (index, value) in whole.enumerated() {
                if index % 2 == 0, value < size { firstHalf[Int(value)] += 1 } else { secondHalf.append(value) }
            }
            let halfCounted = firstHalf.withUnsafeBufferPointer { DurationList(histogram: $0.baseAddress) }
            let halfListed = DurationList(seconds: secondHalf)
            let joined = countedFirst ? halfCounted : halfListed
            joined.append(contentsOf: countedFirst ? halfListed : halfCounted)
            #expect(joined.timing(skewed: 1) == expected)
        }
        // With Doubles too, every whole second joins them.
        let withDoubles = histogram.withUnsafeBufferPointer { DurationList(histogram: $0.baseAddress) }
        var halves = GrowableBuffer<Double>()
        halves.append(0.5)
        withDoubles.append(contentsOf: DurationList(values: halves))
        let small = whole.filter { $0 < size }.map(Double.init)
        #expect(withDoubles.timing(skewed: 0) == Timing(durations: small + [0.5], skewed: 0))
    }

    /// Values at ranks, asked in any order and with repeats, are the sorted values at those ranks.
    @Test func orderStatisticsAreTheSortedValues() {
        var generator = SystemRandomNumberGenerator()
        for count in [1, 2, 5, 40, 1_000] {
            let values = (0..<count).map { _ in Int.random(in: 0...50, using: &generator) }
            let sorted = values.sorted()
            let ranks = [count - 1, 0, count / 2, count / 2, max(0, count - 2), count / 2 + 1].filter { $0 < count }
            var copy = values
            let found = copy.withUnsafeMutableBufferPointer { Statistics.orderStatistics(in: $0, ranks: ranks) }
            #expect(found == ranks.map { sorted[$0] })
        }
    }
}
