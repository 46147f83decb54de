// rigor/reports/html.h — a small builder for one self-contained HTML page: inline CSS, sections,
// escaped tables, <details> blocks, <pre> text. No JavaScript libraries, no external requests.
//
//   rigor::reports::html::Page page("Audit of study.h5");
//   page.add_section("summary", "Summary", rigor::reports::html::paragraph(user_text));
//   std::string document = page.render();  // one file, opens offline
//
// Escaping is carried by the type: text given as std::string / std::string_view is always escaped
// (& < > " ' become entities); only a `Markup` value is inserted as is, and Markup is produced by
// this module and by svg.h from escaped parts (or by `trusted`, for markup the caller generated).
#ifndef RIGOR_REPORTS_HTML_H_
#define RIGOR_REPORTS_HTML_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rigor/error.h"

namespace rigor::reports {

// Invalid input to a chart or page builder (NaN in a chart, mismatched lengths, a bad tag name).
// The message names the chart or element, the field and the value.
class RenderError : public rigor::Error {
 public:
  using rigor::Error::Error;
};

// The verdict colour of a claim; used by badges (html.h) and forest plot rows (svg.h).
enum class Tone { kSupported, kNotSupported, kInconclusive, kNeutral };

// "supported", "not-supported", "inconclusive", "neutral" (CSS class suffixes).
std::string_view to_string(Tone tone);
// The fill colour of `tone` as "#rrggbb" (ColorBrewer PRGn/RdBu ends, readable on white).
std::string_view tone_colour(Tone tone);

}  // namespace rigor::reports

namespace rigor::reports::html {

// Replaces & < > " ' by &amp; &lt; &gt; &quot; &#39; — safe in element content and in quoted
// attribute values, in HTML and in SVG/XML alike. Other bytes (UTF-8 included) pass unchanged.
std::string escape(std::string_view text);

// Markup that is safe to insert verbatim. Build it with the functions below.
struct Markup {
  std::string html;
  Markup& operator+=(const Markup& other) {
    html += other.html;
    return *this;
  }
};
inline Markup operator+(Markup a, const Markup& b) {
  a += b;
  return a;
}

// Escaped text.
Markup text(std::string_view text);
// Markup the caller generated itself and vouches for (e.g. the <svg> string from svg.h). Never
// pass user text here.
Markup trusted(std::string html);
// <tag class="cls">content</tag>. `tag` must be a lower-case name from [a-z0-9] (throws
// RenderError otherwise); `cls` is escaped and left out when empty.
Markup element(std::string_view tag, const Markup& content, std::string_view cls = "");
// <p class="cls">escaped text</p>.
Markup paragraph(std::string_view text, std::string_view cls = "");
// <span class="badge badge-<tone>">escaped text</span>: a coloured verdict label.
Markup badge(std::string_view text, Tone tone);
// <pre>escaped text</pre>: protocol files, error messages, anything whose line breaks matter.
Markup pre(std::string_view text);
// <details><summary>escaped summary</summary>body</details>; `open` shows the body at load.
Markup details(std::string_view summary, const Markup& body, bool open = false);

// A table cell: text (escaped) or Markup (inserted as is), with an optional CSS class
// ("num" right-aligns numbers; "bad", "warn", "good" colour the cell).
struct Cell {
  Markup content;
  std::string cls;
  Cell(std::string_view cell_text, std::string_view cell_class = "")  // NOLINT: implicit on purpose
      : content(html::text(cell_text)), cls(cell_class) {}
  Cell(const char* cell_text, std::string_view cell_class = "")  // NOLINT
      : Cell(std::string_view(cell_text), cell_class) {}
  Cell(const std::string& cell_text, std::string_view cell_class = "")  // NOLINT
      : Cell(std::string_view(cell_text), cell_class) {}
  Cell(Markup cell_markup, std::string_view cell_class = "")  // NOLINT
      : content(std::move(cell_markup)), cls(cell_class) {}
};

struct Table {
  std::string caption;              // escaped; left out when empty
  std::vector<std::string> header;  // escaped column names
  std::vector<std::vector<Cell>> rows;
};
// <table> with a <caption>, a <thead> and a <tbody>. Throws RenderError when a row has more cells
// than the header has columns (rows may be shorter: the rest stays empty). An empty `rows` renders
// one row "none" spanning the columns.
Markup table(const Table& table);

// One HTML page. Sections appear in the order added, each <section id=...> with an <h2>, and a
// table of contents links them. The head holds inline CSS, a Content-Security-Policy that forbids
// every network request (default-src 'none'), and one small inline script for the browser render
// check (scripts/render-check.sh): after load it sets
//   <body data-charts-rendered="<ok>/<total>">  — svg[data-chart] elements with a non-empty
//                                                 bounding box / all of them
//   <html data-errors="...">                    — window errors, console.error calls, CSP
//                                                 violations and failed charts, joined by " | "
class Page {
 public:
  explicit Page(std::string title, std::string subtitle = "");
  // `id` must match [a-z0-9-]+ (throws RenderError); `heading` is escaped.
  void add_section(std::string_view id, std::string_view heading, Markup body);
  // The whole document, UTF-8. Same sections -> same bytes.
  std::string render() const;

 private:
  struct Section {
    std::string id;
    std::string heading;
    Markup body;
  };
  std::string title_;
  std::string subtitle_;
  std::vector<Section> sections_;
};

}  // namespace rigor::reports::html

#endif  // RIGOR_REPORTS_HTML_H_
