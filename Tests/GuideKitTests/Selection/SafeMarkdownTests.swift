import GuideKit
import Testing

/// The Markdown → HTML renderer of step text: what it keeps, what it escapes, which links survive.
@Suite struct SafeMarkdownTests {
    @Test func blocksAndInlines() {
        let html = SafeMarkdown.html(
            """
            # Welcome

            Keeps **projects**, *tasks* and `code`
            on two lines.

            - one
            - two [docs](https://acme.com/docs)

            1. first
            2) second
            """
        )
        #expect(
            html == """
                <h1>Welcome</h1>
                <p>Keeps <strong>projects</strong>, <em>tasks</em> and <code>code</code>
                on two lines.</p>
                <ul>
                <li>one</li>
                <li>two <a href="https://acme.com/docs" rel="noopener noreferrer">docs</a></li>
                </ul>
                <ol>
                <li>first</li>
                <li>second</li>
                </ol>
                """
        )
    }

    @Test func pipeTables() {
        let html = SafeMarkdown.html(
            """
            Shortcuts:

            | Press | To | Count |
            |:---|:-:|--:|
            | `N` | add a **task** | 1 |
            | `a\\|b` | <b>x</b> |
            """
        )
        #expect(
            html == """
                <p>Shortcuts:</p>
                <table>
                <thead>
                <tr><th style="text-align: left">Press</th><th style="text-align: center">To</th><th style="text-align: right">Count</th></tr>
                </thead>
                <tbody>
                <tr><td style="text-align: left"><code>N</code></td><td style="text-align: center">add a <strong>task</strong></td><td style="text-align: right">1</td></tr>
                <tr><td style="text-align: left"><code>a|b</code></td><td style="text-align: center">&lt;b&gt;x&lt;/b&gt;</td><td style="text-align: right"></td></tr>
                </tbody>
                </table>
                """
        )
        // A pipe without a delimiter row under it is text.
        #expect(SafeMarkdown.html("a | b\nc") == "<p>a | b\nc</p>")
    }

    @Test func rawHTMLIsEscaped() {
        #expect(
            SafeMarkdown.html("<script>alert('x')</script> & <img src=x onerror=alert(1)>")
                == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</p>"
        )
        #expect(SafeMarkdown.inlineHTML("**<b>hi</b>**") == "<strong>&lt;b&gt;hi&lt;/b&gt;</strong>")
        #expect(SafeMarkdown.inlineHTML("`<i>`") == "<code>&lt;i&gt;</code>")
    }

    @Test(arguments: [
        ("[x](javascript:alert(1))", "x"),
        ("[x](JavaScript:alert(1))", "x"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "x"),
        ("[x](vbscript:msgbox)", "x"),
        ("[x](java\tscript:alert(1))", "x"),
        (
            "[x](https://a.com/\"onmouseover=\"alert(1))",
            "<a href=\"https://a.com/&quot;onmouseover=&quot;alert(1)\" rel=\"noopener noreferrer\">x</a>"
        ),
        (
            "[wiki](https://en.wikipedia.org/wiki/Foo_(bar))",
            "<a href=\"https://en.wikipedia.org/wiki/Foo_(bar)\" rel=\"noopener noreferrer\">wiki</a>"
        ),
        ("[mail](mailto:help@acme.com)", "<a href=\"mailto:help@acme.com\">mail</a>"),
        ("[help](/help?tab=2#keys)", "<a href=\"/help?tab=2#keys\">help</a>"),
        ("[rel](docs/a:b)", "<a href=\"docs/a:b\">rel</a>"),
        ("[http](http://acme.com)", "<a href=\"http://acme.com\" rel=\"noopener noreferrer\">http</a>"),
    ])
    func links(markdown: String, expected: String) {
        #expect(SafeMarkdown.inlineHTML(markdown) == expected)
    }

    @Test func escapesAndBreaks() {
        #expect(SafeMarkdown.inlineHTML(#"\*not em\* 2 * 3 snake_case_name"#) == "*not em* 2 * 3 snake_case_name")
        #expect(SafeMarkdown.html("line one  \nline two\\\nthree") == "<p>line one<br>\nline two<br>\nthree</p>")
        #expect(SafeMarkdown.html("   \n\n") == "")
    }

    @Test func unmatchedDelimitersStayText() {
        // Many openers without closers: rendered as text (and in linear time: the closers are looked up).
        let brackets = String(repeating: "[a", count: 20_000)
        #expect(SafeMarkdown.inlineHTML(brackets) == brackets)
        let stars = String(repeating: "**a *", count: 20_000)
        #expect(SafeMarkdown.inlineHTML(stars).count > 0)
        #expect(SafeMarkdown.inlineHTML("**a") == "**a")
        #expect(SafeMarkdown.inlineHTML("[a](b") == "[a](b")
    }
}
