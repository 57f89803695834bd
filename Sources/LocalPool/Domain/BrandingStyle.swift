import GatehouseCore

/// What the hosted pages take from a branding style: the settings of the branding editor that
/// have a counterpart on our pages (page and form backgrounds, the primary button, text colors,
/// the form's corners, the color scheme) turned into CSS, and the logo, favicon and background
/// image assets. Colors are `RRGGBBAA` hex, as the editor writes them, so every value that
/// reaches the CSS is hex digits, a number or a base64 `data:` URL.
struct BrandingStyle: Sendable, Equatable {
    /// The CSS, after the pages' own.
    var css: String
    /// The form logo (`FORM_LOGO`, else `PAGE_HEADER_LOGO`), as a `data:` URL.
    var logo: String?
    /// The favicon (`FAVICON_SVG`, else `FAVICON_ICO`), as a `data:` URL.
    var favicon: String?

    /// A color member: its path in the settings and the CSS it becomes.
    private struct ColorSetting {
        var path: [String]
        var selector: String
        var property: String
    }

    private static let colors: [ColorSetting] = [
        ColorSetting(path: ["components", "pageBackground", "MODE", "color"], selector: "body", property: "background-color"),
        ColorSetting(path: ["components", "pageText", "MODE", "bodyColor"], selector: "body", property: "color"),
        ColorSetting(path: ["components", "pageText", "MODE", "headingColor"], selector: "h1", property: "color"),
        ColorSetting(path: ["components", "form", "MODE", "backgroundColor"], selector: "main", property: "background-color"),
        ColorSetting(path: ["components", "form", "MODE", "borderColor"], selector: "main", property: "border-color"),
        ColorSetting(
            path: ["components", "primaryButton", "MODE", "defaults", "backgroundColor"],
            selector: "button:not(.link)",
            property: "background-color"
        ),
        ColorSetting(path: ["components", "primaryButton", "MODE", "defaults", "textColor"], selector: "button:not(.link)", property: "color"),
    ]
    private static let modes = ["lightMode", "darkMode"]
    private static let schemePath = ["categories", "global", "colorSchemeMode"]
    private static let radiusPath = ["components", "form", "borderRadius"]

    /// The settings' values that the pages apply, each of the form it must have.
    static func check(_ settings: JSONValue) throws(LocalPoolError) {
        for color in colors {
            for mode in modes {
                let path = color.path.map { $0 == "MODE" ? mode : $0 }
                guard let value = value(at: path, in: settings) else { continue }
                guard hex(value) != nil else {
                    throw .invalidParameter("Settings: \(path.joined(separator: ".")) must be a color of eight hex digits (RRGGBBAA).")
                }
            }
        }
        if let scheme = value(at: schemePath, in: settings), !["LIGHT", "DARK", "DYNAMIC"].contains(scheme.stringValue ?? "") {
            throw .invalidParameter("Settings: categories.global.colorSchemeMode must be LIGHT, DARK or DYNAMIC.")
        }
        if let radius = value(at: radiusPath, in: settings), !(0...100).contains(radius.numberValue ?? -1) {
            throw .invalidParameter("Settings: components.form.borderRadius must be a number from 0 to 100.")
        }
    }

    /// The style of `branding` (Cognito's own, nothing added, when it uses Cognito's values).
    init(_ branding: ManagedLoginBrandingRecord) {
        let settings = branding.settings?.document ?? .object([:])
        let scheme = Self.value(at: Self.schemePath, in: settings)?.stringValue ?? "LIGHT"
        var css = ""
        if let radius = Self.value(at: Self.radiusPath, in: settings)?.numberValue {
            css += "main { border-radius: \(Int(radius))px; }\n"
        }
        if let background = Self.asset(branding, "PAGE_BACKGROUND", dark: scheme == "DARK") {
            css += "body { background-image: url(\"\(background)\"); background-size: cover; }\n"
        }
        css += Self.rules(settings, mode: scheme == "DARK" ? "darkMode" : "lightMode")
        if scheme == "DYNAMIC" {
            let dark = Self.rules(settings, mode: "darkMode")
            if !dark.isEmpty { css += "@media (prefers-color-scheme: dark) {\n\(dark)}\n" }
        }
        self.css = css
        logo = Self.asset(branding, "FORM_LOGO", dark: scheme == "DARK") ?? Self.asset(branding, "PAGE_HEADER_LOGO", dark: scheme == "DARK")
        favicon = Self.asset(branding, "FAVICON_SVG", dark: scheme == "DARK") ?? Self.asset(branding, "FAVICON_ICO", dark: scheme == "DARK")
    }

    /// The color rules of one mode.
    private static func rules(_ settings: JSONValue, mode: String) -> String {
        var css = ""
        for color in colors {
            guard let value = value(at: color.path.map { $0 == "MODE" ? mode : $0 }, in: settings), let hex = hex(value) else { continue }
            css += "\(color.selector) { \(color.property): #\(hex); }\n"
        }
        return css
    }

    /// The asset of `category` for the scheme: its own mode's, else a `DYNAMIC` one.
    private static func asset(_ branding: ManagedLoginBrandingRecord, _ category: String, dark: Bool) -> String? {
        let mine = branding.assets.filter { $0.category == category }
        let chosen = mine.first { $0.colorMode == (dark ? "DARK" : "LIGHT") } ?? mine.first { $0.colorMode == "DYNAMIC" }
        return chosen?.dataURL
    }

    private static func value(at path: [String], in settings: JSONValue) -> JSONValue? {
        var current = settings
        for name in path {
            guard let next = current.objectValue?[name] else { return nil }
            current = next
        }
        return current
    }

    /// The eight hex digits of a color, or nil for anything else.
    private static func hex(_ value: JSONValue) -> String? {
        guard let text = value.stringValue, text.utf8.count == 8, text.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        return text
    }

    /// The document ReturnMergedResources adds under a style: the defaults of every setting the
    /// pages apply (our pages' own colors).
    static let defaults: JSONValue = .object([
        "categories": .object(["global": .object(["colorSchemeMode": .string("LIGHT")])]),
        "components": .object([
            "pageBackground": .object(["lightMode": .object(["color": .string("f4f5f7ff")]), "darkMode": .object(["color": .string("0f1b2aff")])]),
            "pageText": .object([
                "lightMode": .object(["bodyColor": .string("1d1f23ff"), "headingColor": .string("1d1f23ff")]),
                "darkMode": .object(["bodyColor": .string("e9ebedff"), "headingColor": .string("ffffffff")]),
            ]),
            "form": .object([
                "borderRadius": .number(12),
                "lightMode": .object(["backgroundColor": .string("ffffffff"), "borderColor": .string("ffffff00")]),
                "darkMode": .object(["backgroundColor": .string("192534ff"), "borderColor": .string("424650ff")]),
            ]),
            "primaryButton": .object([
                "lightMode": .object(["defaults": .object(["backgroundColor": .string("1d4ed8ff"), "textColor": .string("ffffffff")])]),
                "darkMode": .object(["defaults": .object(["backgroundColor": .string("539fe5ff"), "textColor": .string("000716ff")])]),
            ]),
        ]),
    ])
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
