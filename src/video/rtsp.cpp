#include "video/rtsp.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

#include "core/random.h"
#include "video/h265.h"
#include "video/reorder.h"
#include "video/rtp.h"

namespace watchfloor::video {

namespace {

int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

constexpr size_t kBuffer = 256 * 1024;  // > one interleaved frame (64 KiB) plus what a burst brings
constexpr int kBatchMs = 40;            // see Impl::fill

RtspFailure timeout_failure() {
  return {"timeout", "Camera không phản hồi trong thời gian chờ", "The camera did not answer in time"};
}

RtspFailure failure_of_errno(int err) {
  switch (err) {
    case ECONNREFUSED:
      return {"refused", "Camera từ chối kết nối (sai cổng hoặc dịch vụ RTSP không chạy)",
              "Connection refused (wrong port, or no RTSP service)"};
    case ETIMEDOUT:
      return timeout_failure();
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
    case ENETDOWN:
      return {"unreachable", "Không tới được camera qua mạng", "The camera cannot be reached on the network"};
    default:
      return {"ended", fmt::format("Kết nối tới camera bị ngắt ({})", std::strerror(err)),
              fmt::format("The connection to the camera broke ({})", std::strerror(err))};
  }
}

RtspFailure failure_of_status(int status) {
  switch (status) {
    case 401:
      return {"unauthorized", "Sai tên đăng nhập hoặc mật khẩu camera", "Wrong camera username or password"};
    case 403:
      return {"unauthorized", "Camera từ chối truy cập", "The camera refused access"};
    case 404:
      return {"not_found", "Không tìm thấy luồng video tại địa chỉ này", "No stream at this address"};
    default:
      return {"bad_stream", fmt::format("Camera trả lời lỗi RTSP {}", status),
              fmt::format("The camera answered RTSP error {}", status)};
  }
}

RtspFailure bad_stream(std::string_view vi, std::string_view en) { return {"bad_stream", std::string(vi), std::string(en)}; }

}  // namespace

struct RtspSession::Impl {
  int fd = -1;
  std::string buf;  // bytes received, [rpos, wpos) not yet parsed
  size_t rpos = 0, wpos = 0;
  int timeout_ms = 10'000;
  int64_t deadline_ms = 0;
  const std::atomic<bool>* stop = nullptr;

  rtsp::Url url;
  std::string user, password;
  std::optional<rtsp::Challenge> challenge;
  uint32_t nonce_count = 0;
  std::string cnonce = core::random_token(12);
  int cseq = 0;
  std::string session;
  int64_t keepalive_ms = 30'000, last_request_ms = 0;
  std::string play_url;

  int channel = 0, payload_type = 96;
  uint32_t clock_rate = 90'000;
  rtsp::Depacketizer depack;
  std::vector<rtsp::Depacketizer::Unit> ready;
  size_t ready_at = 0;
  std::optional<uint32_t> last_ts;
  int64_t ext_ts = 0;
  std::optional<DecodeTimes> decode_times;  // set once the SPS is known
  bool waiting_key = false;

  mp4::SampleEntry entry;
  double fps = 0;
  bool streaming = false, batched = false;

  ~Impl() {
    if (fd < 0) return;
    if (!session.empty()) {  // best effort: the camera frees the session now rather than at its timeout
      std::string req = request_text("TEARDOWN", play_url, "");
      (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    ::close(fd);
  }

  bool stopped() const { return stop && stop->load(); }

  // Waits until fd is ready for `events` or the deadline passes; checks the stop flag every 250 ms.
  bool wait(short events, RtspFailure& failure) {
    for (;;) {
      if (stopped()) {
        failure = {"stopped", "Đã dừng", "Stopped"};
        return false;
      }
      int64_t left = deadline_ms - mono_ms();
      if (left <= 0) {
        failure = timeout_failure();
        return false;
      }
      pollfd p{fd, events, 0};
      int rc = ::poll(&p, 1, int(std::min<int64_t>(left, 250)));
      if (rc > 0) return true;
      if (rc < 0 && errno != EINTR) {
        failure = failure_of_errno(errno);
        return false;
      }
    }
  }

  bool connect(RtspFailure& failure) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    addrinfo* res = nullptr;
    if (::getaddrinfo(url.host.c_str(), std::to_string(url.port).c_str(), &hints, &res) != 0 || !res) {
      failure = {"unreachable", "Không tìm thấy địa chỉ của camera (tên máy không phân giải được)",
                 "The camera's host name does not resolve"};
      return false;
    }
    failure = {};
    for (addrinfo* a = res; a; a = a->ai_next) {
      fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
      if (rc != 0 && errno == EINPROGRESS && wait(POLLOUT, failure)) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err ? -1 : 0;
        if (err) failure = failure_of_errno(err);
      } else if (rc != 0 && failure.code.empty()) {
        failure = failure_of_errno(errno);
      }
      if (rc == 0) {
        ::freeaddrinfo(res);
        failure = {};
        return true;
      }
      ::close(fd);
      fd = -1;
      if (failure.code == "timeout" || failure.code == "stopped") break;
    }
    ::freeaddrinfo(res);
    if (failure.code.empty()) failure = failure_of_errno(ECONNREFUSED);
    return false;
  }

  // Reads what the socket has; false at end of stream, error, timeout or stop. While streaming, an
  // empty socket is first given kBatchMs to fill: a camera's packets then arrive a frame or more at a
  // time instead of one wake-up each (context switches were most of the recorder's CPU).
  bool fill(RtspFailure& failure) {
    if (buf.size() < kBuffer) buf.resize(kBuffer);
    if (rpos > 0 && (wpos == rpos || buf.size() - wpos < 70'000)) {
      std::memmove(buf.data(), buf.data() + rpos, wpos - rpos);
      wpos -= rpos;
      rpos = 0;
    }
    if (wpos == buf.size()) {
      failure = bad_stream("Camera gửi một gói tin quá lớn", "The camera sent an oversized message");
      return false;
    }
    for (;;) {
      ssize_t n = ::recv(fd, buf.data() + wpos, buf.size() - wpos, 0);
      if (n > 0) {
        wpos += size_t(n);
        batched = false;
        return true;
      }
      if (n == 0) {
        failure = {"ended", "Camera đã ngắt luồng", "The camera ended the stream"};
        return false;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        failure = failure_of_errno(errno);
        return false;
      }
      if (streaming && !batched) {
        batched = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(kBatchMs));
        continue;
      }
      batched = false;
      if (!wait(POLLIN, failure)) return false;
    }
  }

  bool send_all(std::string_view data, RtspFailure& failure) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n > 0) {
        data.remove_prefix(size_t(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!wait(POLLOUT, failure)) return false;
        continue;
      }
      failure = failure_of_errno(errno);
      return false;
    }
    return true;
  }

  std::string request_text(std::string_view method, std::string_view uri, std::string_view extra) {
    std::string r = fmt::format("{} {} RTSP/1.0\r\nCSeq: {}\r\nUser-Agent: watchfloor\r\n", method, uri, ++cseq);
    if (challenge)
      r += "Authorization: " + rtsp::authorization(*challenge, user, password, method, uri, ++nonce_count, cnonce) +
           "\r\n";
    if (!session.empty()) r += "Session: " + session + "\r\n";
    r += extra;
    r += "\r\n";
    return r;
  }

  // The item at the head of the buffer: an interleaved frame (its channel and bytes, valid until the
  // next fill) or a whole RTSP message; `more` when the buffer does not hold all of it yet.
  enum class Item { frame, message, more, bad };
  Item take(int& channel, std::string_view& data, rtsp::Message& m) {
    if (wpos - rpos < 4) return Item::more;
    if (buf[rpos] == '$') {
      size_t len = (size_t(uint8_t(buf[rpos + 2])) << 8) | uint8_t(buf[rpos + 3]);
      if (wpos - rpos < 4 + len) return Item::more;
      channel = uint8_t(buf[rpos + 1]);
      data = std::string_view(buf.data() + rpos + 4, len);
      rpos += 4 + len;
      return Item::frame;
    }
    size_t used = 0;
    switch (rtsp::parse_message(std::string_view(buf).substr(rpos, wpos - rpos), m, used)) {
      case rtsp::ParseResult::bad:
        return Item::bad;
      case rtsp::ParseResult::incomplete:
        return Item::more;
      case rtsp::ParseResult::ok:
        break;
    }
    rpos += used;
    return Item::message;
  }

  // The next whole RTSP message in the stream, skipping interleaved data before it.
  bool next_message(rtsp::Message& m, RtspFailure& failure) {
    int channel = 0;
    std::string_view data;
    for (;;) {
      switch (take(channel, data, m)) {
        case Item::message:
          return true;
        case Item::frame:
          break;  // media before the answer: not ours to keep
        case Item::bad:
          failure = bad_stream("Camera trả lời không đúng giao thức RTSP", "The camera's answer is not RTSP");
          return false;
        case Item::more:
          if (!fill(failure)) return false;
          break;
      }
    }
  }

  // Sends a request and returns its response (status ≥ 200), answering one authentication challenge.
  std::optional<rtsp::Message> request(std::string_view method, std::string_view uri, std::string_view extra,
                                       RtspFailure& failure) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      deadline_ms = mono_ms() + timeout_ms;
      if (!send_all(request_text(method, uri, extra), failure)) return std::nullopt;
      last_request_ms = mono_ms();
      int want = cseq;
      rtsp::Message m;
      for (;;) {
        if (!next_message(m, failure)) return std::nullopt;
        auto seq = m.header("CSeq");
        if (m.status >= 200 && (!seq || std::atoi(std::string(*seq).c_str()) == want)) break;
      }
      if (m.status == 401 && attempt == 0 && !user.empty()) {
        bool had = challenge.has_value();
        challenge = rtsp::parse_challenge(m);
        nonce_count = 0;
        if (challenge && !had) continue;
      }
      return m;
    }
    return std::nullopt;
  }

  // Turns a completed access unit into a packet; false when it is dropped (damaged, or waiting for a
  // keyframe after damage).
  bool accept(rtsp::Depacketizer::Unit& u, RtspPacket& out) {
    if (u.damaged) {
      waiting_key = true;  // later frames may refer to the damaged one: start again at a keyframe
      return false;
    }
    if (waiting_key && !u.au.idr) return false;
    waiting_key = false;
    ext_ts += last_ts ? int64_t(int32_t(u.timestamp - *last_ts)) : 0;
    last_ts = u.timestamp;
    int64_t t90 = clock_rate == 90'000 ? ext_ts : ext_ts * 90'000 / clock_rate;
    // RTP carries presentation time only: decode times come from the reorder depth (reorder.h).
    auto t = decode_times->next(t90);
    out.au = std::move(u.au);
    out.pts_90k = t.pts;
    out.dts_90k = t.dts;
    out.key = out.au.idr;
    return true;
  }

  // Feeds the video channel's RTP packets to the depacketizer until it completes an access unit
  // (in `ready`); false on failure.
  bool pump(RtspFailure& failure) {
    int ch = 0;
    std::string_view data;
    rtsp::Message m;
    for (;;) {
      switch (take(ch, data, m)) {
        case Item::message:
          break;  // a keep-alive answer or a request of the camera: nothing to do with it
        case Item::bad:
          failure = bad_stream("Dữ liệu RTSP không hợp lệ", "Malformed RTSP data");
          return false;
        case Item::more:
          if (!fill(failure)) return false;
          break;
        case Item::frame:
          if (ch != channel) break;  // RTCP
          if (auto p = rtsp::parse_rtp(data); p && p->payload_type == payload_type) {
            depack.push(*p, ready);
            if (!ready.empty()) return true;
          }
          break;
      }
    }
  }

  void keepalive() {
    if (session.empty() || mono_ms() - last_request_ms < keepalive_ms) return;
    // OPTIONS with the session keeps it alive on every server; the answer is skipped in pump().
    std::string req = request_text("OPTIONS", play_url, "");
    last_request_ms = mono_ms();
    (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
};

RtspSession::RtspSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RtspSession::~RtspSession() = default;
const mp4::SampleEntry& RtspSession::entry() const { return impl_->entry; }
double RtspSession::nominal_fps() const { return impl_->fps; }
int64_t RtspSession::lost_packets() const { return impl_->depack.lost_packets(); }

std::unique_ptr<RtspSession> RtspSession::open(const std::string& url_text, const RtspOptions& opt,
                                               const std::atomic<bool>* stop, RtspFailure& failure) {
  auto m = std::make_unique<Impl>();
  m->timeout_ms = opt.timeout_ms;
  m->stop = stop;
  auto url = rtsp::parse_url(url_text);
  if (!url && url_text.rfind("rtsps://", 0) == 0) {
    failure = {"bad_url", "Chưa hỗ trợ RTSP qua TLS (rtsps://): dùng rtsp:// trong mạng nội bộ hải quan",
               "RTSP over TLS (rtsps://) is not supported yet: use rtsp:// inside the customs network"};
    return nullptr;
  }
  if (!url) {
    failure = {"bad_url", "Địa chỉ RTSP không hợp lệ", "Not a valid rtsp:// address"};
    return nullptr;
  }
  // DESCRIBE, following up to three redirects.
  std::optional<rtsp::Message> described;
  for (int hop = 0; hop < 4; ++hop) {
    m->url = *url;
    m->user = opt.credentials ? opt.credentials->first : url->user;
    m->password = opt.credentials ? opt.credentials->second : url->password;
    m->deadline_ms = mono_ms() + opt.timeout_ms;
    if (m->fd >= 0) {  // redirected: a new connection
      ::close(m->fd);
      m->fd = -1;
      m->rpos = m->wpos = 0;
      m->challenge.reset();  // the new server challenges afresh
    }
    if (!m->connect(failure)) return nullptr;
    described = m->request("DESCRIBE", m->url.url, "Accept: application/sdp\r\n", failure);
    if (!described) return nullptr;
    if (described->status < 300 || described->status >= 400) break;
    auto location = described->header("Location");
    url = location ? rtsp::parse_url(*location) : std::nullopt;
    if (!url) break;
  }
  if (described->status != 200) {
    failure = failure_of_status(described->status);
    return nullptr;
  }
  auto sdp = rtsp::parse_sdp(described->body);
  if (!sdp.video) {
    failure = {"no_video", "Luồng không có hình ảnh (không phải luồng video)", "The stream has no video"};
    return nullptr;
  }
  if (sdp.video->encoding != "H264" && sdp.video->encoding != "H265") {
    std::string name = sdp.video->encoding.empty() ? "?" : sdp.video->encoding;
    failure = {"unsupported_codec", fmt::format("Chưa hỗ trợ ghi mã hóa {} (chỉ H.264 và H.265)", name),
               fmt::format("Recording {} is not supported (H.264 and H.265 only)", name)};
    return nullptr;
  }
  const VideoCodec kind = sdp.video->encoding == "H265" ? VideoCodec::h265 : VideoCodec::h264;
  if (kind == VideoCodec::h265 && sdp.video->max_don_diff > 0) {
    failure = {"unsupported_codec", "Camera gửi H.265 ở chế độ xen kẽ (DONL): hãy tắt chế độ này trên camera",
               "The camera sends H.265 in interleaved mode (DONL): turn it off on the camera"};
    return nullptr;
  }
  m->depack = rtsp::Depacketizer(kind);
  std::string base = m->url.url;
  if (auto b = described->header("Content-Base")) base = std::string(*b);
  else if (auto l = described->header("Content-Location")) base = std::string(*l);
  m->payload_type = sdp.video->payload;
  m->clock_rate = sdp.video->clock_rate;

  auto setup = m->request("SETUP", rtsp::resolve_control(base, sdp.video->control),
                          "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n", failure);
  if (!setup) return nullptr;
  if (setup->status != 200) {
    failure = setup->status == 461 ? bad_stream("Camera không cho nhận luồng qua TCP", "The camera refuses RTP over TCP")
                                   : failure_of_status(setup->status);
    return nullptr;
  }
  auto session = setup->header("Session");
  if (!session) {
    failure = bad_stream("Camera không cấp phiên RTSP", "The camera gave no RTSP session");
    return nullptr;
  }
  std::string_view sv = *session;
  m->session = std::string(sv.substr(0, sv.find(';')));
  if (auto t = sv.find("timeout="); t != std::string_view::npos) {
    int secs = std::atoi(std::string(sv.substr(t + 8)).c_str());
    if (secs >= 10) m->keepalive_ms = int64_t(secs) * 1000 / 2;
  }
  if (auto tr = setup->header("Transport")) {
    auto at = tr->find("interleaved=");
    if (at == std::string_view::npos) {
      failure = bad_stream("Camera không cho nhận luồng qua TCP", "The camera refuses RTP over TCP");
      return nullptr;
    }
    m->channel = std::atoi(std::string(tr->substr(at + 12)).c_str());
  }
  m->play_url = sdp.session_control.empty() ? base : rtsp::resolve_control(base, sdp.session_control);
  auto play = m->request("PLAY", m->play_url, "Range: npt=0.000-\r\n", failure);
  if (!play) return nullptr;
  if (play->status != 200) {
    failure = failure_of_status(play->status);
    return nullptr;
  }

  // Parameter sets: from the SDP, or else from the stream's first access unit that carries them.
  auto ps = kind == VideoCodec::h265 ? rtsp::sprop_h265(*sdp.video) : rtsp::sprop_parameter_sets(sdp.video->sprop);
  m->deadline_ms = mono_ms() + opt.timeout_ms;
  while (!ps) {
    if (!m->pump(failure)) return nullptr;
    for (size_t i = 0; i < m->ready.size(); ++i) {
      auto& au = m->ready[i].au;
      if (au.idr && au.sps && au.pps && (kind == VideoCodec::h264 || au.vps)) {
        ps = h264::ParameterSets{*au.sps, *au.pps, au.vps.value_or("")};
        m->ready.erase(m->ready.begin(), m->ready.begin() + long(i));
        break;
      }
    }
    if (!ps) m->ready.clear();
  }
  auto entry = mp4::sample_entry(kind, *ps);
  if (!entry) {
    failure = kind == VideoCodec::h265
                  ? bad_stream("Tham số SPS của luồng H.265 không đọc được", "The H.265 stream's SPS cannot be read")
                  : bad_stream("Tham số SPS của luồng H.264 không đọc được", "The H.264 stream's SPS cannot be read");
    return nullptr;
  }
  m->entry = *entry;
  int reorder = -1;
  double sps_fps = 0;
  if (kind == VideoCodec::h265) {
    reorder = h265::parse_sps(ps->sps)->reorder_frames;
  } else {
    auto info = h264::parse_sps(ps->sps);
    reorder = info->reorder_frames;
    sps_fps = info->fps;
  }
  m->fps = sdp.video->framerate > 0 ? sdp.video->framerate : sps_fps;
  m->decode_times.emplace(reorder, m->fps > 0 ? int64_t(90'000 / m->fps) : 3'600);
  m->streaming = true;
  return std::unique_ptr<RtspSession>(new RtspSession(std::move(m)));
}

bool RtspSession::read(RtspPacket& out, RtspFailure& failure) {
  auto& m = *impl_;
  m.deadline_ms = mono_ms() + m.timeout_ms;
  for (;;) {
    while (m.ready_at < m.ready.size())
      if (m.accept(m.ready[m.ready_at++], out)) return true;
    m.ready.clear();
    m.ready_at = 0;
    m.keepalive();
    if (!m.pump(failure)) return false;
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
    bytes += int64_t(p.au.avcc.size());
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
