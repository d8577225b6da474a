#pragma once
// Private to the video module's two translation units that touch pixels (snapshot.cpp, watermark.cpp): the
// FFmpeg objects they share, owned, and the JPEG encoder both use. Nothing else includes FFmpeg headers.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
}

#include <optional>
#include <string>

namespace watchfloor::video::libav {

struct CodecCtx {
  AVCodecContext* c = nullptr;
  ~CodecCtx() { avcodec_free_context(&c); }
};
struct Frame {
  AVFrame* f = av_frame_alloc();
  ~Frame() { av_frame_free(&f); }
};
struct Packet {
  AVPacket* p = av_packet_alloc();
  ~Packet() { av_packet_free(&p); }
};

// `pic` (any size and pixel format) as JPEG; nullopt with `error` set when it cannot be encoded.
std::optional<std::string> encode_jpeg(const AVFrame* pic, std::string& error);

}  // namespace watchfloor::video::libav
