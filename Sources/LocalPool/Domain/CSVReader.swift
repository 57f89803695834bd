/// RFC 4180 CSV: fields separated by commas, records by CRLF or LF, fields in double quotes
/// holding commas, line breaks and doubled quotes. A UTF-8 byte order mark at the start is
/// skipped. Malformed quoting refuses the whole file.
enum CSVReader {
    /// What is wrong with a file.
    enum Failure: Error, Equatable {
        case notUTF8
        case unterminatedQuote(line: Int)
        case textAfterQuote(line: Int)
    }

    /// The records of `bytes`, each with the line it starts on; blank lines are left out.
    static func records(_ bytes: [UInt8]) throws(Failure) -> [(line: Int, fields: [String])] {
        var input = bytes[...]
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input = input.dropFirst(3) }
        guard let text = String(validating: input, as: UTF8.self) else { throw .notUTF8 }
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var quoted = false
        var afterQuote = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            fields = []
            field = ""
        }
        while let scalar = pending ?? scalars.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    let next = scalars.next()
                    if next == "\"" {
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                        afterQuote = true
                        pending = next
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\r":
                let next = scalars.next()
                if next != "\n" { pending = next }
                endRecord()
                line += 1
                recordLine = line
                afterQuote = false
            case "\n":
                endRecord()
                line += 1
                recordLine = line
                afterQuote = false
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            default:
                guard !afterQuote else { throw .textAfterQuote(line: line) }
                field.unicodeScalars.append(scalar)
            }
        }
        guard !quoted else { throw .unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty || afterQuote { endRecord() }
        return records
    }
}
