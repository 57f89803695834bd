import Foundation
import GatehouseCore
import Testing

@testable import LocalPool

/// Managed login branding styles: one per client, merged on update, kept in the pool's file
/// across a restart, gone with their client; and the CSS the hosted pages get from them.
struct BrandingTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
    static let svg = Array("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8)

    func expectError(_ type: String, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        let error = await #expect(throws: LocalPoolError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.type == type, sourceLocation: sourceLocation)
    }

    func asset(_ category: String, _ mode: String = "LIGHT", _ fileExtension: String = "PNG", _ bytes: [UInt8]? = png) -> BrandingAsset {
        BrandingAsset(category: category, colorMode: mode, fileExtension: fileExtension, bytes: bytes, resourceId: nil)
    }

    static func color(_ component: String, _ member: String, _ value: String) -> JSONValue {
        .object(["components": .object([component: .object(["lightMode": .object([member: .string(value)])])])])
    }

    @Test(arguments: [PoolFixture.Backing.memory, .file])
    func aStyleIsCreatedMergedOnUpdateAndGoesWithItsClient(backing: PoolFixture.Backing) async throws {
        let fixture = try PoolFixture(backing: backing)
        let pools = fixture.service.pools
        let pool = try await pools.createPool(name: "p")
        let client = try await fixture.codeClient(pool)
        let settings = Self.color("pageBackground", "color", "112233ff")
        let created = try await pools.createBranding(
            poolID: pool.id,
            clientID: client.id,
            useCognitoProvidedValues: nil,
            settings: settings,
            assets: [asset("FORM_LOGO"), asset("FAVICON_SVG", "DYNAMIC", "SVG", Self.svg)]
        )
        #expect(created.brandingId.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
        await expectError("ManagedLoginBrandingExistsException") {
            _ = try await pools.createBranding(poolID: pool.id, clientID: client.id, useCognitoProvidedValues: true, settings: nil, assets: nil)
        }

        // An update merges: the new color beside the old one, the logo replaced, the favicon kept.
        fixture.advance(60)
        let newLogo = asset("FORM_LOGO", "LIGHT", "JPEG", [0xFF, 0xD8, 0xFF, 0xE0])
        let updated = try await pools.updateBranding(
            poolID: pool.id,
            id: created.brandingId,
            useCognitoProvidedValues: nil,
            settings: Self.color("form", "backgroundColor", "ffffffff"),
            assets: [newLogo]
        )
        let both: JSONValue = .object([
            "components": .object([
                "pageBackground": .object(["lightMode": .object(["color": .string("112233ff")])]),
                "form": .object(["lightMode": .object(["backgroundColor": .string("ffffffff")])]),
            ])
        ])
        #expect(updated.settings?.document == both)
        #expect(updated.assets == [asset("FAVICON_SVG", "DYNAMIC", "SVG", Self.svg), newLogo])
        #expect(updated.updatedAt == created.createdAt + 60)

        let restarted = backing == .file ? try PoolFixture(directory: fixture.directory) : fixture
        #expect(try await restarted.service.pools.branding(poolID: pool.id, id: created.brandingId) == updated)
        #expect(try await restarted.service.pools.branding(poolID: pool.id, clientID: client.id) == updated)

        // Cognito's values put back: nothing of the style's own is left.
        let reset = try await restarted.service.pools.updateBranding(
            poolID: pool.id,
            id: created.brandingId,
            useCognitoProvidedValues: true,
            settings: nil,
            assets: nil
        )
        #expect(reset.useCognitoProvidedValues && reset.settings == nil && reset.assets.isEmpty)

        try await restarted.service.pools.deleteClient(client.id, poolID: pool.id)
        await expectError("ResourceNotFoundException") { _ = try await restarted.service.pools.branding(poolID: pool.id, id: created.brandingId) }
        let other = try await restarted.codeClient(pool)
        let second = try await restarted.service.pools.createBranding(
            poolID: pool.id,
            clientID: other.id,
            useCognitoProvidedValues: true,
            settings: nil,
            assets: nil
        )
        try await restarted.service.pools.deleteBranding(poolID: pool.id, id: second.brandingId)
        await expectError("ResourceNotFoundException") { _ = try await restarted.service.pools.branding(poolID: pool.id, clientID: other.id) }
        await expectError("ResourceNotFoundException") { try await restarted.service.pools.deleteBranding(poolID: pool.id, id: second.brandingId) }
    }

    @Test(
        arguments: [
            (color("pageText", "bodyColor", "#1122334"), "InvalidParameterException"),
            (
                .object(["components": .object(["pageBackground": .object(["darkMode": .object(["color": .number(1)])])])]),
                "InvalidParameterException"
            ),
            (.object(["categories": .object(["global": .object(["colorSchemeMode": .string("SEPIA")])])]), "InvalidParameterException"),
            (.object(["components": .object(["form": .object(["borderRadius": .number(101)])])]), "InvalidParameterException"),
            (.array([]), "InvalidParameterException"),
        ] as [(JSONValue, String)]
    )
    func badSettingsAreRefused(_ settings: JSONValue, _ type: String) async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.codeClient(pool)
        await expectError(type) {
            _ = try await fixture.service.pools.createBranding(
                poolID: pool.id,
                clientID: client.id,
                useCognitoProvidedValues: nil,
                settings: settings,
                assets: nil
            )
        }
        await expectError("ResourceNotFoundException") { _ = try await fixture.service.pools.branding(poolID: pool.id, clientID: client.id) }
    }

    @Test func badAssetsAreRefused() async throws {
        let fixture = try PoolFixture()
        let pool = try await fixture.service.pools.createPool(name: "p")
        let client = try await fixture.codeClient(pool)
        let bad: [[BrandingAsset]] = [
            [asset("FORM_LOGO", "LIGHT", "PNG", [0xFF, 0xD8, 0xFF])],
            [asset("FORM_LOGO", "LIGHT", "SVG", Array("<html><script>alert(1)</script>".utf8))],
            [asset("FORM_LOGO", "LIGHT", "GIF")],
            [asset("BANNER")],
            [asset("FORM_LOGO", "SEPIA")],
            [asset("FORM_LOGO"), asset("FORM_LOGO")],
            [asset("FORM_LOGO", "LIGHT", "PNG", Self.png + [UInt8](repeating: 0, count: 1_000_000 - Self.png.count + 1))],
            (0...40).map { _ in asset("FORM_LOGO", "LIGHT", "PNG", nil) },
        ]
        for assets in bad {
            await expectError("InvalidParameterException") {
                _ = try await fixture.service.pools.createBranding(
                    poolID: pool.id,
                    clientID: client.id,
                    useCognitoProvidedValues: nil,
                    settings: nil,
                    assets: assets
                )
            }
        }
        await expectError("InvalidParameterException") {
            _ = try await fixture.service.pools.createBranding(
                poolID: pool.id,
                clientID: client.id,
                useCognitoProvidedValues: true,
                settings: nil,
                assets: [asset("FORM_LOGO")]
            )
        }
        // A logo of exactly the limit passes.
        let largest = Self.png + [UInt8](repeating: 0, count: 1_000_000 - Self.png.count)
        _ = try await fixture.service.pools.createBranding(
            poolID: pool.id,
            clientID: client.id,
            useCognitoProvidedValues: nil,
            settings: nil,
            assets: [asset("FORM_LOGO", "LIGHT", "PNG", largest)]
        )
    }

    @Test func thePagesGetCSSOfTheAppliedSettingsAndTheLogo() {
        let settings: JSONValue = .object([
            "categories": .object(["global": .object(["colorSchemeMode": .string("DYNAMIC")])]),
            "components": .object([
                "form": .object(["borderRadius": .number(4), "lightMode": .object(["backgroundColor": .string("FFFFFF80")])]),
                "primaryButton": .object([
                    "lightMode": .object(["defaults": .object(["backgroundColor": .string("0a7d33ff")])]),
                    "darkMode": .object(["defaults": .object(["textColor": .string("000000ff")])]),
                ]),
                "somethingElse": .object(["lightMode": .object(["color": .string("not applied")])]),
            ]),
        ])
        let branding = ManagedLoginBrandingRecord(
            brandingId: "b",
            poolId: "p",
            clientId: "c",
            useCognitoProvidedValues: false,
            settings: BrandingSettings(document: settings),
            assets: [asset("PAGE_HEADER_LOGO", "DYNAMIC"), asset("FAVICON_ICO", "DARK", "ICO", [0, 0, 1, 0])],
            createdAt: 0,
            updatedAt: 0
        )
        let style = BrandingStyle(branding)
        #expect(
            style.css == """
                main { border-radius: 4px; }
                main { background-color: #FFFFFF80; }
                button:not(.link) { background-color: #0a7d33ff; }
                @media (prefers-color-scheme: dark) {
                button:not(.link) { color: #000000ff; }
                }

                """
        )
        #expect(style.logo == "data:image/png;base64,iVBORw0KGgoBAgM=")
        // A DARK favicon is not the light scheme's.
        #expect(style.favicon == nil)
    }
}
