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
}
