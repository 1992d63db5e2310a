import Testing

@testable import XAPI

@Suite struct XMediaTests {
    @Test func aPhotosFileIsItsURLAndAVideosIsItsBestMP4() {
        #expect(XMedia(mediaKey: "3_1", type: "photo", url: "https://x/p.jpg").fileURL == "https://x/p.jpg")
        let video = XMedia(
            mediaKey: "7_2", type: "video", url: nil, previewImageURL: "https://x/still.jpg",
            variants: [
                .init(url: "https://x/low.mp4", contentType: "video/mp4", bitRate: 256_000),
                .init(url: "https://x/playlist.m3u8", contentType: "application/x-mpegURL"),
                .init(url: "https://x/high.mp4", contentType: "video/mp4", bitRate: 2_176_000),
            ])
        #expect(video.fileURL == "https://x/high.mp4")
        #expect(XMedia(mediaKey: "16_3", type: "animated_gif", url: nil, variants: [.init(url: "https://x/g.mp4", bitRate: 0)]).fileURL == "https://x/g.mp4")
        #expect(XMedia(mediaKey: "7_4", type: "video", url: nil, previewImageURL: "https://x/still.jpg").fileURL == nil, "a still is not the video")
    }
}
