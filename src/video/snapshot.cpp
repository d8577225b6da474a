#include "video/snapshot.h"

#include <cstring>

#include "video/libav.h"

namespace watchfloor::video {

using libav::CodecCtx;
using libav::Frame;
using libav::Packet;

std::optional<std::string> keyframe_to_jpeg(const mp4::SampleEntry& entry, std::string_view sample,
                                            std::string& error) {
  av_log_set_level(AV_LOG_QUIET);
  const AVCodec* dec = avcodec_find_decoder(entry.kind == VideoCodec::h265 ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264);
  if (!dec) {
    error = "codec missing";
    return std::nullopt;
  }
  CodecCtx d;
  d.c = avcodec_alloc_context3(dec);
  std::string avcc = mp4::decoder_config(entry);  // avcC or hvcC: FFmpeg's extradata for MP4 samples
  d.c->extradata = static_cast<uint8_t*>(av_mallocz(avcc.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  std::memcpy(d.c->extradata, avcc.data(), avcc.size());
  d.c->extradata_size = int(avcc.size());
  d.c->thread_count = 1;
  if (avcodec_open2(d.c, dec, nullptr) < 0) {
    error = "cannot open the decoder";
    return std::nullopt;
  }
  Packet pkt;
  if (av_new_packet(pkt.p, int(sample.size())) < 0) return std::nullopt;
  std::memcpy(pkt.p->data, sample.data(), sample.size());
  pkt.p->flags = AV_PKT_FLAG_KEY;
  Frame pic;
  bool got = false;
  if (avcodec_send_packet(d.c, pkt.p) >= 0) {
    avcodec_send_packet(d.c, nullptr);  // drain: one frame in, one frame out
    got = avcodec_receive_frame(d.c, pic.f) >= 0;
  }
  if (!got) {
    error = "the keyframe does not decode";
    return std::nullopt;
  }
  return libav::encode_jpeg(pic.f, error);
}

std::optional<std::string> libav::encode_jpeg(const AVFrame* pic, std::string& error) {
  const AVCodec* enc = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (!enc) {
    error = "codec missing";
    return std::nullopt;
  }
  CodecCtx e;
  e.c = avcodec_alloc_context3(enc);
  e.c->width = pic->width;
  e.c->height = pic->height;
  e.c->pix_fmt = AV_PIX_FMT_YUVJ420P;
  e.c->time_base = {1, 25};
  e.c->flags |= AV_CODEC_FLAG_QSCALE;
  e.c->global_quality = FF_QP2LAMBDA * 4;
  if (avcodec_open2(e.c, enc, nullptr) < 0) {
    error = "cannot open the JPEG encoder";
    return std::nullopt;
  }
  Frame yuv;
  yuv.f->format = AV_PIX_FMT_YUVJ420P;
  yuv.f->width = pic->width;
  yuv.f->height = pic->height;
  if (av_frame_get_buffer(yuv.f, 0) < 0) return std::nullopt;
  SwsContext* sws = sws_getContext(pic->width, pic->height, AVPixelFormat(pic->format), yuv.f->width,
                                   yuv.f->height, AV_PIX_FMT_YUVJ420P, SWS_BILINEAR, nullptr, nullptr, nullptr);
  if (!sws) return std::nullopt;
  sws_scale(sws, pic->data, pic->linesize, 0, pic->height, yuv.f->data, yuv.f->linesize);
  sws_freeContext(sws);
  yuv.f->pts = 0;
  Packet out;
  if (avcodec_send_frame(e.c, yuv.f) < 0 || avcodec_receive_packet(e.c, out.p) < 0) {
    error = "JPEG encoding failed";
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(out.p->data), size_t(out.p->size));
}

}  // namespace watchfloor::video
