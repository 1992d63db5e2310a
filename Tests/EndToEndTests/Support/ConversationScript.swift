import Foundation

/// Who writes to the account and what they write: names and texts chosen to test the mapping
/// both ways (quotes, apostrophes, backslashes, markup, newlines, emoji with modifiers and
/// joiners, right-to-left scripts, mixed directions).
enum ConversationScript {
    /// Display name and handle of each customer (handles get a per-run suffix).
    static let customers: [(name: String, username: String)] = [
        ("Zoé \"Z\" Martin 🌸", "zoe_martin"),
        ("سارة الخطيب", "sara_k"),
        ("Seán O'Brien", "sobrien"),
        ("李小龙 🐉", "xiaolong"),
        ("Ana \\ Backslash", "ana_bs"),
        ("👩🏽‍💻 Dev Team", "devteam"),
        ("Jean-Luc <Picard> & Co", "jlpicard"),
    ]

    private static let lines = [
        "Hello, I have a question about my order",
        "It says \"delivered\" but I got nothing 😡\nCan you check?",
        "مرحبا، طلبي لم يصل بعد",
        "Line one\nLine two\n\nLine four — after an empty line",
        "Path is C:\\Users\\me and {\"json\": true} & <b>not html</b>",
        "👍🏽👨‍👩‍👧 thanks! שלום and English, mixed",
        "It's 'quoted' and `ticked`, 100% sure\ttab",
        "ok",
    ]

    /// The text of `customer`'s DM number `turn` of `round`: distinct across the run, so a
    /// failure names the DM at a glance.
    static func text(customer: Int, round: Int, turn: Int) -> String {
        let line = lines[(customer + round * 3 + turn) % lines.count]
        return "\(line) [r\(round)·\(turn)]"
    }
}
