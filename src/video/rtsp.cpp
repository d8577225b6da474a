#include "video/rtsp.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/mathematics.h>
}

#include <fmt/format.h>

#include <chrono>
#include <mutex>

namespace watchfloor::video {

namespace {

int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // libavformat's own messages may quote a URL with its credentials: never let them out.
    av_log_set_level(AV_LOG_QUIET);
    avformat_network_init();
  });
}

std::string percent_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out.push_back(char(c));
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

RtspFailure failure_of(int err, bool timed_out, bool stopped) {
  if (stopped) return {"stopped", "Đã dừng", "Stopped"};
  if (timed_out) return {"timeout", "Camera không phản hồi trong thời gian chờ", "The camera did not answer in time"};
  switch (err) {
    case AVERROR_HTTP_UNAUTHORIZED:
      return {"unauthorized", "Sai tên đăng nhập hoặc mật khẩu camera", "Wrong camera username or password"};
    case AVERROR_HTTP_FORBIDDEN:
      return {"unauthorized", "Camera từ chối truy cập", "The camera refused access"};
    case AVERROR_HTTP_NOT_FOUND:
      return {"not_found", "Không tìm thấy luồng video tại địa chỉ này", "No stream at this address"};
    case AVERROR(ECONNREFUSED):
      return {"refused", "Camera từ chối kết nối (sai cổng hoặc dịch vụ RTSP không chạy)",
              "Connection refused (wrong port, or no RTSP service)"};
    case AVERROR(ETIMEDOUT):
      return {"timeout", "Camera không phản hồi trong thời gian chờ", "The camera did not answer in time"};
    case AVERROR(EHOSTUNREACH):
    case AVERROR(ENETUNREACH):
      return {"unreachable", "Không tới được camera qua mạng", "The camera cannot be reached on the network"};
    case AVERROR_EOF:
      return {"ended", "Camera đã ngắt luồng", "The camera ended the stream"};
    default:
      break;
  }
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return {"bad_stream", fmt::format("Lỗi luồng RTSP: {}", buf), fmt::format("RTSP stream error: {}", buf)};
}

}  // namespace

std::string url_with_credentials(const std::string& url,
                                 const std::optional<std::pair<std::string, std::string>>& cred) {
  if (!cred) return url;
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  return url.substr(0, scheme + 3) + percent_encode(cred->first) + ":" + percent_encode(cred->second) + "@" +
         url.substr(scheme + 3);
}

struct RtspSession::Impl {
  AVFormatContext* fmt = nullptr;
  AVPacket* pkt = nullptr;
  int video = -1;
  AVRational tb{1, 90'000};
  mp4::SampleEntry entry;
  double fps = 0;
  int timeout_ms = 10'000;
  int64_t deadline_ms = 0;
  bool timed_out = false;
  const std::atomic<bool>* stop = nullptr;

  static int interrupt(void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    if (self->stop && self->stop->load()) return 1;
    if (mono_ms() > self->deadline_ms) {
      self->timed_out = true;
      return 1;
    }
    return 0;
  }
  ~Impl() {
    if (pkt) av_packet_free(&pkt);
    if (fmt) avformat_close_input(&fmt);
  }
};

RtspSession::RtspSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RtspSession::~RtspSession() = default;
const mp4::SampleEntry& RtspSession::entry() const { return impl_->entry; }
double RtspSession::nominal_fps() const { return impl_->fps; }

std::unique_ptr<RtspSession> RtspSession::open(const std::string& url, const RtspOptions& opt,
                                               const std::atomic<bool>* stop, RtspFailure& failure) {
  init_once();
  auto impl = std::make_unique<Impl>();
  impl->timeout_ms = opt.timeout_ms;
  impl->stop = stop;
  impl->deadline_ms = mono_ms() + opt.timeout_ms;
  impl->fmt = avformat_alloc_context();
  impl->fmt->interrupt_callback = {&Impl::interrupt, impl.get()};
  AVDictionary* o = nullptr;
  av_dict_set(&o, "rtsp_transport", "tcp", 0);
  av_dict_set(&o, "rtsp_flags", "prefer_tcp", 0);
  av_dict_set(&o, "allowed_media_types", "video", 0);
  av_dict_set(&o, "timeout", std::to_string(int64_t(opt.timeout_ms) * 1000).c_str(), 0);
  av_dict_set(&o, "buffer_size", "1048576", 0);
  std::string full = url_with_credentials(url, opt.credentials);
  const AVInputFormat* in = av_find_input_format("rtsp");
  int rc = avformat_open_input(&impl->fmt, full.c_str(), in, &o);
  av_dict_free(&o);
  if (rc < 0) {
    failure = failure_of(rc, impl->timed_out, stop && stop->load());
    impl->fmt = nullptr;  // freed by avformat_open_input on failure
    return nullptr;
  }
  impl->deadline_ms = mono_ms() + opt.timeout_ms;
  // The SDP usually carries the parameter sets; when it does not, read until the first keyframe has them.
  impl->fmt->probesize = 2 << 20;
  impl->fmt->max_analyze_duration = 3 * AV_TIME_BASE;
  rc = avformat_find_stream_info(impl->fmt, nullptr);
  if (rc < 0) {
    failure = failure_of(rc, impl->timed_out, stop && stop->load());
    return nullptr;
  }
  impl->video = av_find_best_stream(impl->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (impl->video < 0) {
    failure = {"no_video", "Luồng không có hình ảnh (không phải luồng video)", "The stream has no video"};
    return nullptr;
  }
  AVStream* st = impl->fmt->streams[impl->video];
  const AVCodecParameters* par = st->codecpar;
  if (par->codec_id != AV_CODEC_ID_H264) {
    const char* name = avcodec_get_name(par->codec_id);
    failure = {"unsupported_codec", fmt::format("Chưa hỗ trợ ghi mã hóa {} (chỉ H.264)", name),
               fmt::format("Recording {} is not supported yet (H.264 only)", name)};
    return nullptr;
  }
  auto ps = h264::parameter_sets(
      std::string_view(reinterpret_cast<const char*>(par->extradata), size_t(par->extradata_size)));
  if (!ps || par->width <= 0 || par->height <= 0) {
    failure = {"bad_stream", "Luồng H.264 không có tham số giải mã (SPS/PPS)",
               "The H.264 stream has no parameter sets (SPS/PPS)"};
    return nullptr;
  }
  impl->entry.ps = *ps;
  impl->entry.codec = h264::codec_string(ps->sps);
  impl->entry.width = par->width;
  impl->entry.height = par->height;
  impl->tb = st->time_base;
  AVRational r = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
  impl->fps = r.num && r.den ? av_q2d(r) : 0;
  if (impl->fps > 240) impl->fps = 0;
  for (unsigned i = 0; i < impl->fmt->nb_streams; ++i)
    if (int(i) != impl->video) impl->fmt->streams[i]->discard = AVDISCARD_ALL;
  impl->pkt = av_packet_alloc();
  return std::unique_ptr<RtspSession>(new RtspSession(std::move(impl)));
}

bool RtspSession::read(RtspPacket& out, RtspFailure& failure) {
  auto& m = *impl_;
  for (;;) {
    av_packet_unref(m.pkt);
    m.deadline_ms = mono_ms() + m.timeout_ms;
    int rc = av_read_frame(m.fmt, m.pkt);
    if (rc < 0) {
      failure = failure_of(rc, m.timed_out, m.stop && m.stop->load());
      return false;
    }
    if (m.pkt->stream_index != m.video || m.pkt->size <= 0) continue;
    int64_t dts = m.pkt->dts != AV_NOPTS_VALUE ? m.pkt->dts : m.pkt->pts;
    if (dts == AV_NOPTS_VALUE) continue;
    int64_t pts = m.pkt->pts != AV_NOPTS_VALUE ? m.pkt->pts : dts;
    AVRational k90{1, 90'000};
    out.dts_90k = av_rescale_q_rnd(dts, m.tb, k90, AVRounding(AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX));
    out.pts_90k = av_rescale_q_rnd(pts, m.tb, k90, AVRounding(AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX));
    out.key = m.pkt->flags & AV_PKT_FLAG_KEY;
    out.data = std::string_view(reinterpret_cast<const char*>(m.pkt->data), size_t(m.pkt->size));
    return true;
  }
}

ProbeResult probe(const std::string& url, const RtspOptions& opt, double seconds) {
  ProbeResult r;
  std::atomic<bool> stop{false};
  auto s = RtspSession::open(url, opt, &stop, r.failure);
  if (!s) return r;
  r.codec = s->entry().codec;
  r.width = s->entry().width;
  r.height = s->entry().height;
  RtspPacket p;
  int64_t first = -1, last = -1, frames = 0, bytes = 0;
  while (s->read(p, r.failure)) {
    if (first < 0) first = p.dts_90k;
    last = p.dts_90k;
    ++frames;
    bytes += int64_t(p.data.size());
    if (last - first >= int64_t(seconds * 90'000)) break;
  }
  if (frames < 2 || last <= first) {
    if (r.failure.code.empty())
      r.failure = {"bad_stream", "Không nhận được hình ảnh từ camera", "No frames arrived from the camera"};
    return r;
  }
  double span = double(last - first) / 90'000.0;
  r.fps = double(frames - 1) / span;
  r.kbps = double(bytes) * 8 / 1000 / span;
  if (s->nominal_fps() > 0 && std::abs(r.fps - s->nominal_fps()) < 1) r.fps = s->nominal_fps();
  r.failure = {};
  r.ok = true;
  return r;
}

}  // namespace watchfloor::video
