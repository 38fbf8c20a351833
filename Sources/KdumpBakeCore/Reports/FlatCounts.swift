/// A report summary as one flat JSON object: `{"images": N, "<word>": count, …}` — how many images, and how
/// many ended with each status or verdict, keyed by its own word (`already-compliant`, `rebooted-with-dump`).
/// A word no image got is left out, so the keys say at a glance what happened. Patch and drill documents
/// write their summaries this way.
struct FlatCounts<Word: RawRepresentable & Hashable>: Encodable where Word.RawValue == String {
    var images: Int
    var counts: [Word: Int]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(images, forKey: Key(stringValue: "images"))
        for (word, count) in counts { try container.encode(count, forKey: Key(stringValue: word.rawValue)) }
    }
}
