// Administrative document page: cairo draws, pango shapes (HarfBuzz), so Vietnamese stacked
// diacritics come out right. Text is set as plain text plus attribute ranges, never as markup, so
// user text needs no escaping.
#include "duty/admin_document.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace watchfloor::duty {
namespace {

using namespace page;

constexpr double kContentBottom = kHeight - kMarginBottom;
constexpr double kPageNumberBaseline = kHeight - 10 * kMm;
constexpr const char* kFontFamily = "Noto Serif";
constexpr double kCellPadding = 3;
constexpr double kRuleWidth = 0.6;
constexpr double kCopiesLabelSize = 12;  // Nghị định 30: "Nơi nhận:" 12, its lines 11
constexpr double kCopiesSize = 11;

// ---- owners for C handles ------------------------------------------------------------------

struct GObjectUnref {
  void operator()(void* p) const { g_object_unref(p); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoDestroy {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct FontDescriptionFree {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};
struct AttrListUnref {
  void operator()(PangoAttrList* l) const { pango_attr_list_unref(l); }
};
struct LayoutIterFree {
  void operator()(PangoLayoutIter* i) const { pango_layout_iter_free(i); }
};
struct GFree {
  void operator()(void* p) const { g_free(p); }
};

using LayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;
using GString = std::unique_ptr<char, GFree>;

// Replaces invalid UTF-8 (pango would warn and drop the text) with U+FFFD.
std::string valid_utf8(std::string_view s) {
  GString v(g_utf8_make_valid(s.data(), static_cast<gssize>(s.size())));
  return v.get();
}

std::string upper(std::string_view s) {
  std::string v = valid_utf8(s);
  GString u(g_utf8_strup(v.c_str(), -1));
  return u.get();
}

PangoAlignment pango_align(Align a) {
  switch (a) {
    case Align::centre:
      return PANGO_ALIGN_CENTER;
    case Align::right:
      return PANGO_ALIGN_RIGHT;
    case Align::left:
      break;
  }
  return PANGO_ALIGN_LEFT;
}

bool blank(const Spans& spans) {
  return std::all_of(spans.begin(), spans.end(), [](const TextSpan& s) { return s.text.empty(); });
}

// One laid-out line, in the layout's own coordinates.
struct LineBox {
  double top, bottom, baseline, x;
  PangoLayoutLine* line;  // owned by the layout
};

std::vector<LineBox> lines_of(PangoLayout* layout) {
  std::vector<LineBox> out;
  std::unique_ptr<PangoLayoutIter, LayoutIterFree> it(pango_layout_get_iter(layout));
  do {
    int y0 = 0, y1 = 0;
    PangoRectangle logical;
    pango_layout_iter_get_line_yrange(it.get(), &y0, &y1);
    pango_layout_iter_get_line_extents(it.get(), nullptr, &logical);
    out.push_back(LineBox{static_cast<double>(y0) / PANGO_SCALE, static_cast<double>(y1) / PANGO_SCALE,
                          static_cast<double>(pango_layout_iter_get_baseline(it.get())) / PANGO_SCALE,
                          static_cast<double>(logical.x) / PANGO_SCALE, pango_layout_iter_get_line_readonly(it.get())});
  } while (pango_layout_iter_next_line(it.get()));
  return out;
}

// A laid-out block of text and how far of it has been drawn, so that it can continue on the next page.
struct Block {
  LayoutPtr layout;
  std::vector<LineBox> lines;
  double x = 0;
  size_t next = 0;    // first line not drawn yet
  double offset = 0;  // layout y that maps to the top of the current piece
  bool done() const { return next >= lines.size(); }
  double remaining() const { return done() ? 0 : lines.back().bottom - lines[next].top; }
  double height() const { return lines.back().bottom; }
};

}  // namespace

// ---- the renderer ------------------------------------------------------------------------

struct AdminDocument::Impl {
  Impl(std::string& out, std::string what) : what_(std::move(what)) {
    surface_.reset(cairo_pdf_surface_create_for_stream(&Impl::write, &out, kWidth, kHeight));
    check(cairo_surface_status(surface_.get()), "create the PDF surface");
    cr_.reset(cairo_create(surface_.get()));
    check(cairo_status(cr_.get()), "create the drawing context");
    context_.reset(pango_cairo_create_context(cr_.get()));
    // One PDF unit is one point; pango's default of 96 dpi would enlarge every font by a third.
    pango_cairo_context_set_resolution(context_.get(), 72);
    // Hinting is for screens; in a PDF it only distorts the spacing.
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context_.get(), options);
    cairo_font_options_destroy(options);
    pango_context_set_round_glyph_positions(context_.get(), FALSE);
    require_font();
    cairo_set_source_rgb(cr_.get(), 0, 0, 0);
    cairo_set_line_width(cr_.get(), kRuleWidth);
  }

  void set_metadata(const std::string& title) {
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_TITLE, valid_utf8(title).c_str());
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATOR, "watchfloor");
  }

  // Starts a new page unless `height` still fits on this one (keeps a heading with what follows).
  void keep(double height) {
    if (y_ + height > kContentBottom && y_ > kMarginTop) new_page();
  }

  LayoutPtr layout(const Spans& spans, const TextStyle& style, double width) {
    LayoutPtr l(pango_layout_new(context_.get()));
    std::unique_ptr<PangoFontDescription, FontDescriptionFree> font(pango_font_description_new());
    pango_font_description_set_family(font.get(), kFontFamily);
    pango_font_description_set_size(font.get(), static_cast<int>(style.size * PANGO_SCALE));
    pango_font_description_set_weight(font.get(), style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(font.get(), style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(l.get(), font.get());
    pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);  // long container or declaration numbers still break
    pango_layout_set_alignment(l.get(), pango_align(style.align));
    pango_layout_set_justify(l.get(), style.justify);
    pango_layout_set_indent(l.get(), static_cast<int>(style.first_line_indent * PANGO_SCALE));

    std::string text;
    std::unique_ptr<PangoAttrList, AttrListUnref> attrs(pango_attr_list_new());
    for (const TextSpan& s : spans) {
      auto start = static_cast<guint>(text.size());
      text += valid_utf8(s.text);
      auto end = static_cast<guint>(text.size());
      if (s.bold) insert(attrs.get(), pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, end);
      if (s.italic) insert(attrs.get(), pango_attr_style_new(PANGO_STYLE_ITALIC), start, end);
    }
    pango_layout_set_text(l.get(), text.c_str(), static_cast<int>(text.size()));
    pango_layout_set_attributes(l.get(), attrs.get());
    return l;
  }

  Block block(const Spans& spans, const TextStyle& style, double x, double width) {
    Block b;
    b.layout = layout(spans, style, width);
    b.lines = lines_of(b.layout.get());
    b.x = x;
    return b;
  }

  // Draws the lines of `b` that fit between `top` and `bottom`; returns the height drawn.
  double draw_lines(Block& b, double top, double bottom) {
    double used = 0;
    if (!b.done()) b.offset = b.lines[b.next].top;
    while (!b.done()) {
      const LineBox& ln = b.lines[b.next];
      double line_bottom = top + (ln.bottom - b.offset);
      if (line_bottom > bottom + 0.01) break;
      cairo_move_to(cr_.get(), b.x + ln.x, top + (ln.baseline - b.offset));
      pango_cairo_show_layout_line(cr_.get(), ln.line);
      used = line_bottom - top;
      ++b.next;
    }
    return used;
  }

  // A paragraph across the full width (or from `x`), flowing onto further pages line by line.
  void paragraph(const Spans& spans, const TextStyle& style, double x = kMarginLeft, double width = kTextWidth) {
    Block b = block(spans, style, x, width);
    while (true) {
      const bool fresh_page = y_ <= kMarginTop;
      const double drawn = draw_lines(b, y_, kContentBottom);
      y_ += drawn;
      if (b.done()) break;
      if (fresh_page && drawn == 0) throw std::runtime_error(what_ + ": a line is taller than the page");
      new_page();
    }
    y_ += kParagraphGap;
  }

  // Text at a fixed position, no page flow (the page header). Returns the block for measuring.
  Block place(const Spans& spans, const TextStyle& style, double x, double y, double width) {
    Block b = block(spans, style, x, width);
    draw_lines(b, y, 1e9);
    return b;
  }

  void rule(double x0, double x1, double y) {
    cairo_move_to(cr_.get(), x0, y);
    cairo_line_to(cr_.get(), x1, y);
    cairo_stroke(cr_.get());
  }

  // Quốc hiệu and tên cơ quan side by side, then số ký hiệu and địa danh, ngày tháng.
  void header(const DocumentHeader& h) {
    const double top = kMarginTop;
    // Left: issuing authority. Parent unit upright, the unit itself bold, a short rule beneath.
    TextStyle parent{.size = kHeaderSize, .align = Align::centre};
    TextStyle unit{.size = kHeaderSize, .bold = true, .align = Align::centre};
    double left_y = top;
    if (!h.parent_unit_name.empty()) {
      Block b = place(plain(upper(h.parent_unit_name)), parent, kMarginLeft, left_y, kLeftColumnWidth);
      left_y += b.lines.back().bottom;
    }
    Block u = place(plain(upper(h.unit_name)), unit, kMarginLeft, left_y, kLeftColumnWidth);
    left_y += u.lines.back().bottom;
    const double centre_left = kMarginLeft + kLeftColumnWidth / 2;
    {
      // Nghị định 30: one third to one half of the line above, centred.
      PangoRectangle ext;
      pango_layout_get_extents(u.layout.get(), nullptr, &ext);
      double half = std::max(20.0, static_cast<double>(ext.width) / PANGO_SCALE * 0.4) / 2;
      rule(centre_left - half, centre_left + half, left_y + 2.5);
    }

    // Right: national motto (quốc hiệu) and slogan (tiêu ngữ), the slogan underlined at its own length.
    TextStyle motto{.size = kHeaderSize, .bold = true, .align = Align::centre};
    TextStyle slogan{.size = kBodySize, .bold = true, .align = Align::centre};
    double right_y = top;
    Block m = place(plain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), motto, kRightColumnX, right_y, kRightColumnWidth);
    right_y += m.lines.back().bottom;
    Block s = place(plain("Độc lập - Tự do - Hạnh phúc"), slogan, kRightColumnX, right_y, kRightColumnWidth);
    {
      PangoRectangle logical;
      pango_layout_line_get_extents(s.lines[0].line, nullptr, &logical);
      double x0 = kRightColumnX + s.lines[0].x;
      double underline_y = right_y + s.lines[0].bottom + 1;
      rule(x0, x0 + static_cast<double>(logical.width) / PANGO_SCALE, underline_y);
    }
    right_y += s.lines.back().bottom + 2.5;

    // Số, ký hiệu under the authority; place and date in italics under the motto, on one level.
    double row_y = std::max(left_y, right_y) + 8;
    Block n = place(plain(h.document_number), TextStyle{.size = kBodySize, .align = Align::centre}, kMarginLeft, row_y,
                    kLeftColumnWidth);
    double left_bottom = row_y + n.height();
    if (!h.subject.empty()) {
      // Trích yếu of a công văn: "V/v ...", upright, centred under the number.
      Block v = place(plain("V/v " + h.subject), TextStyle{.size = kHeaderSize, .align = Align::centre}, kMarginLeft,
                      left_bottom + 2, kLeftColumnWidth);
      left_bottom += 2 + v.height();
    }
    Block d = place(plain(h.place_date), TextStyle{.size = kBodySize, .italic = true, .align = Align::centre},
                    kRightColumnX, row_y, kRightColumnWidth);
    y_ = std::max(left_bottom, row_y + d.height());
  }

  void title(const std::string& text, const Spans& summary) {
    y_ += 22;
    TextStyle title{.size = kTitleSize, .bold = true, .align = Align::centre};
    paragraph(plain(upper(text)), title);
    if (!blank(summary)) {
      y_ -= kParagraphGap;
      TextStyle summary_style{.size = kBodySize, .bold = true, .align = Align::centre};
      Block p = place(summary, summary_style, kMarginLeft, y_, kTextWidth);
      y_ += p.height();
    }
    // Nghị định 30: a short rule under the summary line, centred.
    const double centre = kMarginLeft + kTextWidth / 2;
    rule(centre - 40, centre + 40, y_ + 3);
    y_ += 16;
  }

  void addressees(const std::vector<Spans>& to) {
    if (to.empty()) return;
    const std::string label = "Kính gửi:";
    y_ += 4;
    if (to.size() == 1) {
      Spans line = plain(label + " ");
      line.insert(line.end(), to[0].begin(), to[0].end());
      paragraph(line, TextStyle{.size = kBodySize, .align = Align::centre});
    } else {
      // Several: "Kính gửi:" then one addressee a line, "- " before each, aligned beside the label.
      const double x0 = kMarginLeft + kIndent;
      TextStyle style{.size = kBodySize};
      Block measure = block(plain(label + " "), style, x0, kTextWidth);
      PangoRectangle logical;
      pango_layout_line_get_extents(measure.lines[0].line, nullptr, &logical);
      const double items_x = x0 + static_cast<double>(logical.width) / PANGO_SCALE;
      const double items_width = kMarginLeft + kTextWidth - items_x;
      bool first = true;
      for (const Spans& a : to) {
        Spans item = plain("- ");
        item.insert(item.end(), a.begin(), a.end());
        Block b = block(item, style, items_x, items_width);
        keep(b.lines.front().bottom);
        if (first) place(plain(label), style, x0, y_, kTextWidth);
        first = false;
        paragraph(item, style, items_x, items_width);
      }
    }
    y_ += 4;
  }

  void heading(const std::string& text) {
    y_ += 4;
    keep(3 * 20);  // never leave a heading alone at the foot of a page
    paragraph(bold(text), TextStyle{.bold = true});
  }

  void signature(const std::string& signer_title, const std::string& signer_name, const std::vector<Spans>& copies) {
    y_ += 12;
    constexpr double kSignatureHeight = 130;  // title, room to sign, name
    TextStyle title{.size = kBodySize, .bold = true, .align = Align::centre};
    auto draw_signer = [&] {
      paragraph(plain(upper(signer_title)), title, kRightColumnX, kRightColumnWidth);
      y_ += 70;  // room for the signature and the seal
      paragraph(plain(signer_name), title, kRightColumnX, kRightColumnWidth);
    };
    if (copies.empty()) {
      keep(kSignatureHeight);
      draw_signer();
      return;
    }

    // Nơi nhận: in the left column, its first line level with the signer's title.
    TextStyle label_style{.size = kCopiesLabelSize, .bold = true, .italic = true};
    TextStyle item_style{.size = kCopiesSize};
    Spans items;
    for (size_t i = 0; i < copies.size(); ++i) {
      items.push_back(TextSpan{(i ? "\n- " : "- ")});
      items.insert(items.end(), copies[i].begin(), copies[i].end());
    }
    const Spans label = plain("Nơi nhận:");
    Block label_block = block(label, label_style, kMarginLeft, kLeftColumnWidth);
    Block items_block = block(items, item_style, kMarginLeft, kLeftColumnWidth);
    const double copies_height = label_block.height() + items_block.height();
    if (copies_height > kContentBottom - kMarginTop) {
      // Too long to stand beside the signature: after it, flowing over pages, so nothing is lost.
      keep(kSignatureHeight);
      draw_signer();
      y_ += 12;
      paragraph(label, label_style);
      paragraph(items, item_style);
      return;
    }
    keep(std::max(kSignatureHeight, copies_height));
    const double top = y_;
    draw_lines(label_block, top, 1e9);
    draw_lines(items_block, top + label_block.height(), 1e9);
    draw_signer();
    y_ = std::max(y_, top + copies_height + kParagraphGap);
  }

  // A table with a header row repeated on every page. A row that fits on a fresh page is never
  // split; a row taller than a page is split between lines.
  void table(const std::vector<TableColumn>& columns, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows) {
    TextStyle head_style{.size = kTableSize, .bold = true, .align = Align::centre};
    const double header_h = row_height(make_row(columns, header, head_style));
    auto draw_header = [&] {
      auto cells = make_row(columns, header, head_style);
      draw_row_piece(columns, cells, y_, kContentBottom);
    };
    std::vector<TextStyle> styles;
    for (const TableColumn& c : columns) styles.push_back(TextStyle{.size = kTableSize, .align = c.align});
    std::vector<std::vector<Block>> laid;
    laid.reserve(rows.size());
    for (const auto& row : rows) laid.push_back(make_row(columns, row, styles));

    keep(header_h + (laid.empty() ? 0 : row_height(laid.front())));
    draw_header();
    const double page_room = kContentBottom - kMarginTop - header_h;
    for (auto& cells : laid) {
      const double h = row_height(cells);
      // Move to the next page when the whole row would fit there, or when not even its first line fits here.
      if ((y_ + h > kContentBottom && h <= page_room) || y_ + first_lines_height(cells) > kContentBottom) {
        new_page();
        draw_header();
      }
      while (true) {
        draw_row_piece(columns, cells, y_, kContentBottom);
        if (std::all_of(cells.begin(), cells.end(), [](const Block& b) { return b.done(); })) break;
        new_page();
        draw_header();
      }
    }
    y_ += kParagraphGap;
  }

  void new_page() {
    page_number();
    cairo_show_page(cr_.get());
    ++page_;
    y_ = kMarginTop;
  }

  void finish() {
    page_number();
    cairo_show_page(cr_.get());
    cr_.reset();
    cairo_surface_finish(surface_.get());
    check(cairo_surface_status(surface_.get()), "write the PDF");
  }

  static cairo_status_t write(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  }

  void check(cairo_status_t s, const char* what) const {
    if (s != CAIRO_STATUS_SUCCESS)
      throw std::runtime_error(what_ + ": cannot " + what + ": " + cairo_status_to_string(s));
  }

  static void insert(PangoAttrList* list, PangoAttribute* a, guint start, guint end) {
    a->start_index = start;
    a->end_index = end;
    pango_attr_list_insert(list, a);
  }

  // fontconfig substitutes silently; a substitute may lack Vietnamese glyphs, so refuse instead.
  void require_font() {
    std::unique_ptr<PangoFontDescription, FontDescriptionFree> want(pango_font_description_new());
    pango_font_description_set_family(want.get(), kFontFamily);
    pango_font_description_set_size(want.get(), static_cast<int>(kBodySize * PANGO_SCALE));
    std::unique_ptr<PangoFont, GObjectUnref> font(pango_context_load_font(context_.get(), want.get()));
    std::string family;
    if (font) {
      std::unique_ptr<PangoFontDescription, FontDescriptionFree> got(pango_font_describe(font.get()));
      if (const char* f = pango_font_description_get_family(got.get())) family = f;
    }
    if (g_ascii_strcasecmp(family.c_str(), kFontFamily) != 0)
      throw std::runtime_error(what_ + ": font \"" + kFontFamily +
                               "\" is not installed (Debian package fonts-noto-core); found \"" + family + "\"");
  }

  std::vector<Block> make_row(const std::vector<TableColumn>& columns, const std::vector<std::string>& texts,
                              const std::vector<TextStyle>& styles) {
    std::vector<Block> cells;
    double x = kMarginLeft;
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string& t = i < texts.size() ? texts[i] : std::string();
      cells.push_back(block(plain(t), styles[i], x + kCellPadding, columns[i].width - 2 * kCellPadding));
      x += columns[i].width;
    }
    return cells;
  }
  std::vector<Block> make_row(const std::vector<TableColumn>& columns, const std::vector<std::string>& texts,
                              const TextStyle& style) {
    return make_row(columns, texts, std::vector<TextStyle>(columns.size(), style));
  }

  static double first_lines_height(const std::vector<Block>& cells) {
    double h = 0;
    for (const Block& b : cells)
      if (!b.done()) h = std::max(h, b.lines[b.next].bottom - b.lines[b.next].top);
    return h + 2 * kCellPadding;
  }

  static double row_height(const std::vector<Block>& cells) {
    double h = 0;
    for (const Block& b : cells) h = std::max(h, b.remaining());
    return h + 2 * kCellPadding;
  }

  // Draws what fits of a row from `top`, with its cell borders, and advances y_.
  void draw_row_piece(const std::vector<TableColumn>& columns, std::vector<Block>& cells, double top, double bottom) {
    double h = 0;
    for (Block& b : cells) h = std::max(h, draw_lines(b, top + kCellPadding, bottom - kCellPadding));
    h += 2 * kCellPadding;
    double x = kMarginLeft;
    for (const TableColumn& c : columns) {
      cairo_rectangle(cr_.get(), x, top, c.width, h);
      x += c.width;
    }
    cairo_stroke(cr_.get());
    y_ = top + h;
  }

  void page_number() {
    TextStyle s{.size = kTableSize, .align = Align::centre};
    Block b = block(plain(std::to_string(page_)), s, kMarginLeft, kTextWidth);
    cairo_move_to(cr_.get(), b.x + b.lines[0].x, kPageNumberBaseline);
    pango_cairo_show_layout_line(cr_.get(), b.lines[0].line);
  }

  std::string what_;
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface_;
  std::unique_ptr<cairo_t, CairoDestroy> cr_;
  std::unique_ptr<PangoContext, GObjectUnref> context_;
  double y_ = kMarginTop;
  int page_ = 1;
};

// ---- the public face ---------------------------------------------------------------------

AdminDocument::AdminDocument(std::string& out, std::string what)
    : impl_(std::make_unique<Impl>(out, std::move(what))) {}
AdminDocument::~AdminDocument() = default;

void AdminDocument::set_title_metadata(const std::string& title) { impl_->set_metadata(title); }
void AdminDocument::header(const DocumentHeader& h) { impl_->header(h); }
void AdminDocument::title(const std::string& title, const Spans& summary) { impl_->title(title, summary); }
void AdminDocument::addressees(const std::vector<Spans>& to) { impl_->addressees(to); }
void AdminDocument::heading(const std::string& text) { impl_->heading(text); }
void AdminDocument::paragraph(const Spans& spans, const TextStyle& style) { impl_->paragraph(spans, style); }
void AdminDocument::paragraph(const Spans& spans, const TextStyle& style, double x, double width) {
  impl_->paragraph(spans, style, x, width);
}
void AdminDocument::table(const std::vector<TableColumn>& columns, const std::vector<std::string>& header,
                          const std::vector<std::vector<std::string>>& rows) {
  impl_->table(columns, header, rows);
}
void AdminDocument::signature(const std::string& signer_title, const std::string& signer_name,
                              const std::vector<Spans>& copies) {
  impl_->signature(signer_title, signer_name, copies);
}
double AdminDocument::y() const { return impl_->y_; }
void AdminDocument::skip(double dy) { impl_->y_ += dy; }
void AdminDocument::keep(double height) { impl_->keep(height); }
void AdminDocument::finish() { impl_->finish(); }

}  // namespace watchfloor::duty
