// Coordination request PDF: the template is parsed into directives once, checked as a whole (so an
// administrator sees the first mistake with its line number before anything is drawn), then drawn
// on the administrative-document page of duty/admin_document.h. Field values never pass through a
// parser: they become plain text spans, so markup or "**" in a value prints as typed.
#include "supervision/coordination_pdf.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "duty/admin_document.h"

namespace watchfloor::supervision {
namespace {

using duty::Spans;
using duty::TextSpan;

// An empty field prints as dots, to be filled in by hand, as on a printed blank form.
constexpr std::string_view kBlankField = "………………………";

struct Field {
  std::string_view name;
  std::string CoordinationForm::*member;
};

constexpr Field kFields[] = {
    {"parent_unit_name", &CoordinationForm::parent_unit_name},
    {"unit_name", &CoordinationForm::unit_name},
    {"unit_symbol", &CoordinationForm::unit_symbol},
    {"document_number", &CoordinationForm::document_number},
    {"place_date", &CoordinationForm::place_date},
    {"legal_basis", &CoordinationForm::legal_basis},
    {"receiving_unit", &CoordinationForm::receiving_unit},
    {"case_number", &CoordinationForm::case_number},
    {"case_summary", &CoordinationForm::case_summary},
    {"content", &CoordinationForm::content},
    {"requested_action", &CoordinationForm::requested_action},
    {"deadline_local", &CoordinationForm::deadline_local},
    {"contacts", &CoordinationForm::contacts},
    {"signer_title", &CoordinationForm::signer_title},
    {"signer_name", &CoordinationForm::signer_name},
    {"copy_to", &CoordinationForm::copy_to},
};

enum class Kind { title, subject, subtitle, to, heading, para, sign, cc };

struct DirectiveName {
  std::string_view name;
  Kind kind;
};

constexpr DirectiveName kDirectives[] = {
    {"title", Kind::title}, {"subject", Kind::subject}, {"subtitle", Kind::subtitle}, {"to", Kind::to},
    {"heading", Kind::heading}, {"para", Kind::para}, {"sign", Kind::sign}, {"cc", Kind::cc}};

// Template text after parsing: literal text, or a field (`field` set), bold or not.
struct Piece {
  std::string text;
  const Field* field = nullptr;
  bool bold = false;
};
using Pieces = std::vector<Piece>;

struct Directive {
  int line = 0;
  Kind kind = Kind::para;
  Pieces text;  // for sign: the signer's title
  Pieces name;  // sign only: the signer's name
};

// A mistake in the template. Its message is what check_coordination_template returns.
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(int line, const std::string& vi, const std::string& en) {
  const std::string where_vi = line > 0 ? ", dòng " + std::to_string(line) : "";
  const std::string where_en = line > 0 ? ", line " + std::to_string(line) : "";
  throw TemplateError("Mẫu phiếu đề nghị phối hợp" + where_vi + ": " + vi + " / Coordination request template" +
                      where_en + ": " + en);
}

std::string field_list() {
  std::string out;
  for (const Field& f : kFields) out += (out.empty() ? "{{" : ", {{") + std::string(f.name) + "}}";
  return out;
}

std::string directive_list() {
  std::string out;
  for (const DirectiveName& d : kDirectives) out += (out.empty() ? "" : ", ") + std::string(d.name) + ":";
  return out;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Templates saved from old Vietnamese editors may be in TCVN3 or Windows-1258; say so rather than
// print replacement characters.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

// Splits one line of template text into literal text, fields and bold ranges; `bold` carries over
// to continuation lines.
void parse_text(std::string_view text, int line, bool& bold, Pieces& out) {
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out.push_back(Piece{literal, nullptr, bold});
    literal.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 2) == "{{") {
      const size_t close = text.find("}}", i + 2);
      if (close == std::string_view::npos) fail(line, "thiếu \"}}\" để đóng \"{{\"", "\"{{\" is not closed by \"}}\"");
      const std::string_view written = text.substr(i, close + 2 - i);
      const std::string_view name = trim(text.substr(i + 2, close - i - 2));
      const Field* field = nullptr;
      for (const Field& f : kFields)
        if (f.name == name) field = &f;
      if (!field)
        fail(line, "không có trường " + std::string(written) + "; các trường: " + field_list(),
             "unknown placeholder " + std::string(written) + "; known: " + field_list());
      flush();
      out.push_back(Piece{"", field, bold});
      i = close + 2;
    } else if (text.substr(i, 2) == "**") {
      flush();
      bold = !bold;
      i += 2;
    } else {
      literal += text[i++];
    }
  }
  flush();
}

bool blank(const Pieces& p) {
  for (const Piece& piece : p)
    if (piece.field || !trim(piece.text).empty()) return false;
  return true;
}

// sign: "title | name", split at the first "|" of the literal text.
void split_signature(Directive& d) {
  for (size_t i = 0; i < d.text.size(); ++i) {
    Piece& p = d.text[i];
    const size_t bar = p.field ? std::string::npos : p.text.find('|');
    if (bar == std::string::npos) continue;
    Pieces name{Piece{p.text.substr(bar + 1), nullptr, p.bold}};
    name.insert(name.end(), d.text.begin() + static_cast<std::ptrdiff_t>(i) + 1, d.text.end());
    p.text.resize(bar);
    d.text.resize(i + 1);
    d.name = std::move(name);
    if (blank(d.text) || blank(d.name))
      fail(d.line, "sign: cần cả chức vụ và họ tên người ký", "sign: needs both the signer's title and name");
    return;
  }
  fail(d.line, "sign: phải có dạng \"chức vụ | họ và tên\"", "sign: must read \"title | name\"");
}

std::vector<Directive> parse(std::string_view tmpl) {
  if (tmpl.substr(0, 3) == "\xEF\xBB\xBF") tmpl.remove_prefix(3);  // Notepad's UTF-8 byte order mark
  std::vector<Directive> out;
  bool have_title = false, have_sign = false;
  bool open = false;  // the last directive may still be continued
  bool bold = false;

  auto close = [&] {
    if (!open) return;
    open = false;
    Directive& d = out.back();
    if (bold) fail(d.line, "chữ đậm \"**\" chưa được đóng", "bold \"**\" is not closed");
    if (d.kind == Kind::sign) split_signature(d);
    if (blank(d.text)) fail(d.line, "chỉ dẫn không có nội dung", "the directive has no text");
  };

  int number = 0;
  size_t pos = 0;
  while (pos < tmpl.size()) {
    size_t end = tmpl.find('\n', pos);
    if (end == std::string_view::npos) end = tmpl.size();
    std::string_view line = tmpl.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!valid_utf8(line))
      fail(number, "không phải văn bản UTF-8; hãy lưu tệp với bảng mã UTF-8", "not UTF-8 text; save the file as UTF-8");
    for (char c : line)
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
        fail(number, "có ký tự điều khiển", "contains a control character");

    const std::string_view content = trim(line);
    if (content.empty()) {  // a blank line ends a directive
      close();
      continue;
    }
    if (content.front() == '#') continue;
    if (line.front() == ' ' || line.front() == '\t') {
      if (!open)
        fail(number, "dòng bắt đầu bằng dấu cách phải nối tiếp một chỉ dẫn ngay trên nó",
             "a line starting with a space continues a directive, but none is above it");
      Pieces& target = out.back().text;
      target.push_back(Piece{" ", nullptr, bold});
      parse_text(content, number, bold, target);
      continue;
    }

    const size_t colon = content.find(':');
    if (colon == std::string_view::npos)
      fail(number, "thiếu dấu \":\"; mỗi dòng có dạng \"chỉ dẫn: nội dung\" (" + directive_list() + ")",
           "no \":\"; each line reads \"directive: text\" (" + directive_list() + ")");
    const std::string_view written = trim(content.substr(0, colon));
    std::string name(written);
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const DirectiveName* directive = nullptr;
    for (const DirectiveName& d : kDirectives)
      if (d.name == name) directive = &d;
    if (!directive)
      fail(number, "không có chỉ dẫn \"" + std::string(written) + ":\"; các chỉ dẫn: " + directive_list(),
           "unknown directive \"" + std::string(written) + ":\"; known: " + directive_list());
    close();

    const Kind kind = directive->kind;
    if (kind != Kind::title && !have_title)
      fail(number, "chỉ dẫn đầu tiên phải là title:", "the first directive must be title:");
    switch (kind) {
      case Kind::title:
        if (have_title) fail(number, "chỉ được có một dòng title:", "a second title: line");
        have_title = true;
        break;
      case Kind::subject:
        if (out.back().kind != Kind::title)
          fail(number, "subject: phải đứng ngay sau title:", "subject: must directly follow title:");
        break;
      case Kind::subtitle:
        if (out.back().kind != Kind::title && out.back().kind != Kind::subject)
          fail(number, "subtitle: phải đứng ngay sau title: hoặc subject:",
               "subtitle: must directly follow title: or subject:");
        break;
      case Kind::to:
      case Kind::heading:
      case Kind::para:
        if (have_sign)
          fail(number, std::string(directive->name) + ": phải đứng trước sign:",
               std::string(directive->name) + ": must come before sign:");
        break;
      case Kind::sign:
        if (have_sign) fail(number, "chỉ được có một dòng sign:", "a second sign: line");
        have_sign = true;
        break;
      case Kind::cc:
        if (!have_sign) fail(number, "cc: phải đứng sau sign:", "cc: must come after sign:");
        break;
    }
    out.push_back(Directive{number, kind, {}, {}});
    open = true;
    parse_text(trim(content.substr(colon + 1)), number, bold, out.back().text);
  }
  close();
  if (!have_title) fail(0, "không có dòng title:", "no title: line");
  if (!have_sign) fail(0, "không có dòng sign: (chức vụ | họ và tên người ký)", "no sign: line (title | name)");
  return out;
}

// A field's value as printed: line breaks kept, surrounding space dropped, dots when empty (or nothing,
// when `dots` is false).
std::string value(const CoordinationForm& form, const Field& field, bool dots = true) {
  const std::string& raw = form.*field.member;
  std::string v;
  v.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r') {
      if (i + 1 < raw.size() && raw[i + 1] == '\n') continue;
      v += '\n';
    } else {
      v += raw[i];
    }
  }
  const auto first = v.find_first_not_of(" \t\n");
  if (first == std::string::npos) return dots ? std::string(kBlankField) : std::string();
  return v.substr(first, v.find_last_not_of(" \t\n") - first + 1);
}

Spans spans(const Pieces& pieces, const CoordinationForm& form) {
  Spans out;
  for (const Piece& p : pieces) out.push_back(TextSpan{p.field ? value(form, *p.field) : p.text, p.bold});
  return out;
}

std::string flatten(const Pieces& pieces, const CoordinationForm& form, bool dots = true) {
  std::string out;
  for (const Piece& p : pieces) out += p.field ? value(form, *p.field, dots) : p.text;
  return std::string(trim(out));
}

// The "Nơi nhận" lines of a cc: directive: a line each of its text (a field may hold several
// recipients), blank ones left out. Plain text, as Nghị định 30 prints them.
std::vector<Spans> copy_lines(const Pieces& pieces, const CoordinationForm& form) {
  std::vector<Spans> out;
  const std::string text = flatten(pieces, form, false);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line = trim(std::string_view(text).substr(pos, end - pos));
    if (!line.empty()) out.push_back({TextSpan{std::string(line)}});
    pos = end + 1;
  }
  return out;
}

// Nghị định 30: the number line always reads "Số: ..."; an unnumbered draft leaves room for it.
std::string number_line(const std::string& number) {
  const std::string_view n = trim(number);
  if (n.empty()) return "Số: " + std::string(kBlankField);
  if (n.substr(0, 4) == "Số") return std::string(n);
  return "Số: " + std::string(n);
}

std::string or_blank(const std::string& s) { return trim(s).empty() ? std::string(kBlankField) : s; }

// The built-in template, byte for byte the shipped templates/coordination-request.tmpl (a unit test
// compares them).
constexpr std::string_view kDefaultTemplate =
    R"tmpl(# Mẫu Phiếu đề nghị phối hợp (Phụ lục V, Quy chế ban hành kèm theo Quyết định số 888/QĐ-TCHQ).
# Bản mẫu Phụ lục V chính thức không được công bố; lời văn dưới đây là bản dự thảo, đơn vị thay bằng
# lời văn chính thức khi có. Phần đầu (cơ quan ban hành, quốc hiệu, tiêu ngữ), số và ngày tháng luôn
# lấy từ dữ liệu của phiếu, không ghi trong mẫu này.
#
# Cách viết: mỗi dòng là "chỉ dẫn: nội dung", in theo đúng thứ tự trong tệp.
#   title:    tên loại văn bản, in hoa, đậm, giữa trang; đúng một dòng và đứng đầu
#   subject:  trích yếu nội dung, in "V/v ..." dưới số văn bản (kiểu công văn); ngay sau title
#   subtitle: dòng trích yếu dưới tên loại, ngay sau title hoặc subject (không bắt buộc)
#   to:       một nơi nhận sau "Kính gửi:"; nhiều dòng to: liền nhau thành danh sách
#   heading:  đề mục in đậm
#   para:     một đoạn văn (căn đều hai bên, thụt đầu dòng)
#   sign:     quyền hạn, chức vụ người ký | họ và tên người ký; đúng một dòng, sau các đoạn văn
#   cc:       một dòng của mục "Nơi nhận:" bên trái chữ ký; chỉ đặt sau sign:. Trường có nhiều dòng
#             ({{copy_to}}) in thành nhiều dòng; dòng cc: không có nội dung thì bỏ qua
# Dòng bắt đầu bằng dấu cách hoặc tab nối tiếp nội dung của dòng trên.
# Dòng bắt đầu bằng # là ghi chú; dòng trống được bỏ qua. **chữ** in đậm phần nằm giữa hai cặp dấu sao.
# Trường dữ liệu (thay bằng nội dung của phiếu; trường để trống in thành dòng chấm để điền tay):
#   {{case_number}} {{case_summary}} {{content}} {{requested_action}} {{deadline_local}}
#   {{contacts}} {{receiving_unit}} {{signer_title}} {{signer_name}} {{unit_name}} {{unit_symbol}}
#   {{parent_unit_name}} {{document_number}} {{place_date}} {{legal_basis}} {{copy_to}}
# {{legal_basis}} là tên đầy đủ của Quy chế và số, ngày của Quyết định ban hành; {{copy_to}} là các
# nơi nhận khác (đơn vị phát hiện vụ việc, người đứng đầu khi cấp phó ký thay).

title: PHIẾU ĐỀ NGHỊ PHỐI HỢP
subject: đề nghị phối hợp kiểm tra, giám sát

to: {{receiving_unit}}

para: Căn cứ {{legal_basis}};
para: Qua công tác giám sát trực tuyến, {{unit_name}} đề nghị {{receiving_unit}} phối hợp với nội
  dung như sau:
para: **1. Vụ việc:** {{case_number}} - {{case_summary}}
para: **2. Nội dung phối hợp:** {{content}}
para: **3. Đề nghị:** {{requested_action}}
para: **4. Thời hạn trả lời:** {{deadline_local}}
para: **5. Đầu mối liên hệ:** {{contacts}}
para: Đề nghị {{receiving_unit}} phối hợp thực hiện và thông báo kết quả về {{unit_name}} trong thời
  hạn nêu trên./.

sign: {{signer_title}} | {{signer_name}}
cc: Như trên;
cc: {{copy_to}}
cc: Lưu: VT, {{unit_symbol}}.
)tmpl";

}  // namespace

std::string default_coordination_template() { return std::string(kDefaultTemplate); }

std::optional<std::string> check_coordination_template(const std::string& template_text) {
  try {
    parse(template_text);
  } catch (const TemplateError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

std::string render_coordination_pdf(const CoordinationForm& f, const std::string& template_text) {
  const std::vector<Directive> doc = parse(template_text);  // throws TemplateError, a std::runtime_error
  const std::string title = flatten(doc.front().text, f);
  size_t i = 1;
  std::string subject;
  if (i < doc.size() && doc[i].kind == Kind::subject) subject = flatten(doc[i++].text, f);
  Spans summary;
  if (i < doc.size() && doc[i].kind == Kind::subtitle) summary = spans(doc[i++].text, f);
  std::string out;
  {
    duty::AdminDocument pdf(out, "coordination request PDF");
    pdf.set_title_metadata(title);
    pdf.header({f.parent_unit_name, or_blank(f.unit_name), number_line(f.document_number), or_blank(f.place_date), subject});
    pdf.title(title, summary);

    std::vector<Spans> to;  // consecutive to: lines, printed as one "Kính gửi:" block
    std::vector<Spans> copies;
    std::string signer_title, signer_name;
    for (; i < doc.size(); ++i) {
      const Directive& d = doc[i];
      if (d.kind != Kind::to && !to.empty()) {
        pdf.addressees(to);
        to.clear();
      }
      switch (d.kind) {
        case Kind::to:
          to.push_back(spans(d.text, f));
          break;
        case Kind::heading:
          pdf.heading(flatten(d.text, f));
          break;
        case Kind::para:
          pdf.paragraph(spans(d.text, f));
          break;
        case Kind::sign:
          signer_title = flatten(d.text, f);
          signer_name = flatten(d.name, f);
          break;
        case Kind::cc:
          for (auto& line : copy_lines(d.text, f)) copies.push_back(std::move(line));
          break;
        case Kind::title:
        case Kind::subject:
        case Kind::subtitle:
          break;  // parse() allows these only at the top
      }
    }
    if (!to.empty()) pdf.addressees(to);
    pdf.signature(signer_title, signer_name, copies);
    pdf.finish();
  }
  return out;
}

}  // namespace watchfloor::supervision
