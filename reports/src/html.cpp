// HTML page builder: escaping, elements, tables, and the page with inline CSS and the render-check
// script. See rigor/reports/html.h.
#include "rigor/reports/html.h"

#include <fmt/format.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace rigor::reports {

std::string_view to_string(Tone tone) {
  switch (tone) {
    case Tone::kSupported:
      return "supported";
    case Tone::kNotSupported:
      return "not-supported";
    case Tone::kInconclusive:
      return "inconclusive";
    case Tone::kNeutral:
      return "neutral";
  }
  return "neutral";
}

std::string_view tone_colour(Tone tone) {
  // Ends of ColorBrewer's PRGn (green) and RdBu (red) and PuOr (orange) schemes (Brewer 2003),
  // dark enough for white badge text (contrast > 4.5:1).
  switch (tone) {
    case Tone::kSupported:
      return "#1b7837";
    case Tone::kNotSupported:
      return "#b2182b";
    case Tone::kInconclusive:
      return "#b35806";
    case Tone::kNeutral:
      return "#4d4d4d";
  }
  return "#4d4d4d";
}

}  // namespace rigor::reports

namespace rigor::reports::html {
namespace {

bool is_name(std::string_view s, bool allow_dash) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (allow_dash && c == '-');
    if (!ok) return false;
  }
  return true;
}

std::string class_attr(std::string_view cls) {
  return cls.empty() ? std::string() : fmt::format(" class=\"{}\"", escape(cls));
}

// Inline CSS: system font stacks only (no web fonts: nothing is fetched), print rules for the PDF.
constexpr std::string_view kCss = R"css(
:root{--fg:#1a1a1a;--muted:#5a5a5a;--line:#d0d0d0;--bg-alt:#f5f5f5}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);
margin:0 auto;max-width:1100px;padding:1.5rem;line-height:1.45}
h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.3rem;border-bottom:2px solid var(--line);
padding-bottom:.2rem;margin-top:2.2rem}h3{font-size:1.08rem;margin:1.4rem 0 .4rem}
.subtitle{color:var(--muted);margin:0 0 1rem}
.statement{font-size:1.05rem;font-style:italic}
nav.toc{background:var(--bg-alt);padding:.5rem 1rem;border-radius:6px}
nav.toc a{margin-right:1rem;color:#1f4e9a;text-decoration:none}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem;width:100%}
caption{text-align:left;font-weight:600;padding:.3rem 0;color:var(--muted)}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:var(--bg-alt)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.bad{background:#fbe3e4}td.warn{background:#fdf1dc}td.good{background:#e3f3e6}
td.none{color:var(--muted);font-style:italic}
pre{background:var(--bg-alt);padding:.7rem;overflow-x:auto;font-size:.82rem;white-space:pre-wrap;
word-break:break-word}
code{font-size:.88em}
details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}
.badge{display:inline-block;padding:.05rem .55rem;border-radius:.8rem;color:#fff;font-size:.85rem;
font-weight:600;white-space:nowrap}
.badge-supported{background:#1b7837}.badge-not-supported{background:#b2182b}
.badge-inconclusive{background:#b35806}.badge-neutral{background:#4d4d4d}
.note{color:var(--muted);font-size:.9rem}
.warning{background:#fdf1dc;border-left:4px solid #b35806;padding:.35rem .7rem;margin:.4rem 0}
.error{background:#fbe3e4;border-left:4px solid #b2182b;padding:.35rem .7rem;margin:.4rem 0}
.chart{margin:.6rem 0;max-width:900px}
svg text{font-family:system-ui,"DejaVu Sans",sans-serif}
@media print{body{max-width:none;padding:0}nav.toc{display:none}section{break-inside:auto}
.chart,table{break-inside:avoid}}
)css";

// The render check read by scripts/render-check.sh (headless Chromium --dump-dom). Registered in
// the head so that errors of any later script or resource are caught.
constexpr std::string_view kRenderCheckScript = R"js(
(function () {
  var errors = [];
  function note(message) {
    errors.push(String(message));
    document.documentElement.setAttribute('data-errors', errors.join(' | '));
  }
  window.addEventListener('error', function (e) {
    note(e.message ? e.message : 'resource failed: ' + (e.target && e.target.tagName));
  }, true);
  document.addEventListener('securitypolicyviolation', function (e) {
    note('blocked request: ' + e.blockedURI);
  });
  var consoleError = console.error;
  console.error = function () {
    note(Array.prototype.join.call(arguments, ' '));
    return consoleError.apply(console, arguments);
  };
  window.addEventListener('load', function () {
    var charts = document.querySelectorAll('svg[data-chart]');
    var ok = 0;
    for (var i = 0; i < charts.length; i++) {
      var box = charts[i].getBBox();
      if (box.width > 0 && box.height > 0) {
        ok++;
      } else {
        note('chart ' + (i + 1) + ' (' + charts[i].getAttribute('data-chart') + ') is empty');
      }
    }
    document.body.setAttribute('data-charts-rendered', ok + '/' + charts.length);
  });
})();
)js";

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Markup text(std::string_view text) { return Markup{escape(text)}; }

Markup trusted(std::string html) { return Markup{std::move(html)}; }

Markup element(std::string_view tag, const Markup& content, std::string_view cls) {
  if (!is_name(tag, false)) {
    throw RenderError(fmt::format(
        "html::element: tag name \"{}\" is not allowed; use a lower-case name of [a-z0-9]",
        escape(tag)));
  }
  return Markup{fmt::format("<{0}{1}>{2}</{0}>", tag, class_attr(cls), content.html)};
}

Markup paragraph(std::string_view text, std::string_view cls) {
  return element("p", html::text(text), cls);
}

Markup badge(std::string_view text, Tone tone) {
  return Markup{
      fmt::format("<span class=\"badge badge-{}\">{}</span>", to_string(tone), escape(text))};
}

Markup pre(std::string_view text) { return Markup{fmt::format("<pre>{}</pre>", escape(text))}; }

Markup details(std::string_view summary, const Markup& body, bool open) {
  return Markup{fmt::format("<details{}><summary>{}</summary>\n{}\n</details>\n",
                            open ? " open" : "", escape(summary), body.html)};
}

Markup table(const Table& table) {
  std::string out = "<table>";
  if (!table.caption.empty()) out += fmt::format("<caption>{}</caption>", escape(table.caption));
  if (!table.header.empty()) {
    out += "<thead><tr>";
    for (const auto& h : table.header) out += fmt::format("<th>{}</th>", escape(h));
    out += "</tr></thead>";
  }
  out += "<tbody>\n";
  const std::size_t columns = table.header.size();
  if (table.rows.empty()) {
    out += fmt::format("<tr><td class=\"none\" colspan=\"{}\">none</td></tr>\n",
                       columns == 0 ? 1 : columns);
  }
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    if (columns > 0 && row.size() > columns) {
      throw RenderError(fmt::format(
          "html::table \"{}\": row {} has {} cells, but the header has {} columns; add a column "
          "name or drop the extra cells",
          escape(table.caption), r, row.size(), columns));
    }
    out += "<tr>";
    for (const auto& cell : row) {
      out += fmt::format("<td{}>{}</td>", class_attr(cell.cls), cell.content.html);
    }
    for (std::size_t c = row.size(); c < columns; ++c) out += "<td></td>";
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
  return Markup{std::move(out)};
}

Page::Page(std::string title, std::string subtitle)
    : title_(std::move(title)), subtitle_(std::move(subtitle)) {}

void Page::add_section(std::string_view id, std::string_view heading, Markup body) {
  if (!is_name(id, true)) {
    throw RenderError(fmt::format(
        "html::Page::add_section: section id \"{}\" is not allowed; use [a-z0-9-]+", escape(id)));
  }
  for (const auto& s : sections_) {
    if (s.id == id) {
      throw RenderError(fmt::format(
          "html::Page::add_section: section id \"{}\" is used twice; ids must be unique", id));
    }
  }
  sections_.push_back(Section{std::string(id), std::string(heading), std::move(body)});
}

std::string Page::render() const {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // No network at all: every resource is inline; the policy makes the browser enforce it.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{}</title>\n", escape(title_));
  out += fmt::format("<style>{}</style>\n", kCss);
  out += fmt::format("<script>{}</script>\n", kRenderCheckScript);
  out += "</head>\n<body>\n<header>\n";
  out += fmt::format("<h1>{}</h1>\n", escape(title_));
  if (!subtitle_.empty()) out += fmt::format("<p class=\"subtitle\">{}</p>\n", escape(subtitle_));
  out += "</header>\n";
  if (!sections_.empty()) {
    out += "<nav class=\"toc\">";
    for (const auto& s : sections_) {
      out += fmt::format("<a href=\"#{}\">{}</a>", s.id, escape(s.heading));
    }
    out += "</nav>\n";
  }
  for (const auto& s : sections_) {
    out += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}\n</section>\n", s.id,
                       escape(s.heading), s.body.html);
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace rigor::reports::html
