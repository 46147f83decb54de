// Tests of rigor/reports/html.h: escaping, elements, tables, and the self-contained page.
#include "rigor/reports/html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "text_count.h"

namespace rigor::reports::html {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using rigor::reports::test::count;

TEST(HtmlEscape, ReplacesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape("a & b < c > d \" e ' f"), "a &amp; b &lt; c &gt; d &quot; e &#39; f");
  EXPECT_EQ(escape("&amp;"), "&amp;amp;");  // escaping twice shows the entity, never decodes it
  EXPECT_EQ(escape("caf\xC3\xA9 \xE2\x9C\x93"), "caf\xC3\xA9 \xE2\x9C\x93");  // UTF-8 untouched
  EXPECT_EQ(escape(""), "");
}

TEST(HtmlElements, EscapeTextButKeepMarkup) {
  EXPECT_EQ(paragraph("<b>", "note").html, "<p class=\"note\">&lt;b&gt;</p>");
  EXPECT_EQ(element("div", trusted("<b>x</b>")).html, "<div><b>x</b></div>");
  EXPECT_EQ(element("div", text("<b>x</b>"), "a\"b").html,
            "<div class=\"a&quot;b\">&lt;b&gt;x&lt;/b&gt;</div>");
  EXPECT_EQ(pre("if (a < b) {\n}").html, "<pre>if (a &lt; b) {\n}</pre>");
  EXPECT_EQ(badge("not <supported>", Tone::kNotSupported).html,
            "<span class=\"badge badge-not-supported\">not &lt;supported&gt;</span>");
  const auto d = details("<sum>", text("body & more"), true);
  EXPECT_THAT(d.html, HasSubstr("<details open><summary>&lt;sum&gt;</summary>"));
  EXPECT_THAT(d.html, HasSubstr("body &amp; more"));
  EXPECT_THAT(details("s", text("b")).html, HasSubstr("<details><summary>"));
  EXPECT_EQ((text("a<") + trusted("<br>")).html, "a&lt;<br>");
}

TEST(HtmlElements, RejectsBadTagNames) {
  try {
    (void)element("div onclick=x", text(""));
    FAIL() << "no error";
  } catch (const RenderError& e) {
    EXPECT_THAT(e.what(), HasSubstr("tag name \"div onclick=x\" is not allowed"));
  }
  EXPECT_THROW((void)element("", text("")), RenderError);
  EXPECT_THROW((void)element("DIV", text("")), RenderError);
}

TEST(HtmlTable, EscapesCaptionHeaderAndTextCells) {
  Table t{.caption = "runs <all>", .header = {"arm", "status & note"}, .rows = {}};
  t.rows.push_back({"<img src=x>", Cell(badge("ok", Tone::kSupported), "good")});
  t.rows.push_back({Cell("0.5", "num")});  // short row: padded
  const std::string s = table(t).html;
  EXPECT_THAT(s, HasSubstr("<caption>runs &lt;all&gt;</caption>"));
  EXPECT_THAT(s, HasSubstr("<th>status &amp; note</th>"));
  EXPECT_THAT(s, HasSubstr("<td>&lt;img src=x&gt;</td>"));
  EXPECT_THAT(s, Not(HasSubstr("<img")));
  EXPECT_THAT(s, HasSubstr("<td class=\"good\"><span class=\"badge badge-supported\">ok</span>"));
  EXPECT_THAT(s, HasSubstr("<tr><td class=\"num\">0.5</td><td></td></tr>"));
}

TEST(HtmlTable, SaysNoneForNoRowsAndRejectsTooManyCells) {
  Table t{.caption = "failed runs", .header = {"cell", "message"}, .rows = {}};
  EXPECT_THAT(table(t).html, HasSubstr("<td class=\"none\" colspan=\"2\">none</td>"));
  t.rows.push_back({"a", "b", "c"});
  try {
    (void)table(t);
    FAIL() << "no error";
  } catch (const RenderError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("html::table \"failed runs\": row 0 has 3 cells, but the header has 2"));
  }
}

TEST(HtmlPage, IsSelfContainedWithTheRenderCheck) {
  Page page("Audit <of> study.h5", "protocol 'x'");
  page.add_section("summary", "Summary & verdicts", paragraph("see https://example.org"));
  page.add_section("runs", "Runs", text("none"));
  const std::string s = page.render();
  EXPECT_EQ(s.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0U);
  EXPECT_THAT(s, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(s, HasSubstr("content=\"default-src 'none'; style-src 'unsafe-inline'; "
                           "script-src 'unsafe-inline'; img-src data:\""));
  EXPECT_THAT(s, HasSubstr("<title>Audit &lt;of&gt; study.h5</title>"));
  EXPECT_THAT(s, HasSubstr("<h1>Audit &lt;of&gt; study.h5</h1>"));
  EXPECT_THAT(s, HasSubstr("<p class=\"subtitle\">protocol &#39;x&#39;</p>"));
  EXPECT_THAT(s, HasSubstr("<section id=\"summary\">\n<h2>Summary &amp; verdicts</h2>"));
  EXPECT_THAT(s, HasSubstr("<a href=\"#runs\">Runs</a>"));
  // One inline script (the render check), no external resource of any kind.
  EXPECT_EQ(count(s, "<script"), 1U);
  EXPECT_THAT(s, HasSubstr("data-charts-rendered"));
  EXPECT_THAT(s, HasSubstr("data-errors"));
  EXPECT_THAT(s, HasSubstr("svg[data-chart]"));
  EXPECT_THAT(s, Not(HasSubstr(" src=")));
  EXPECT_THAT(s, Not(HasSubstr("<link")));
  EXPECT_THAT(s, Not(HasSubstr("@import")));
  EXPECT_THAT(s, Not(HasSubstr("url(")));
  EXPECT_THAT(s, Not(HasSubstr("http://")));
  // The only https:// is the user's own text, and it is plain text in a paragraph.
  EXPECT_EQ(count(s, "https://"), 1U);
  EXPECT_THAT(s, HasSubstr("<p>see https://example.org</p>"));
  EXPECT_EQ(s, page.render());  // deterministic
}

TEST(HtmlPage, RejectsBadAndDuplicateSectionIds) {
  Page page("t");
  try {
    page.add_section("Bad Id", "x", text(""));
    FAIL() << "no error";
  } catch (const RenderError& e) {
    EXPECT_THAT(e.what(), HasSubstr("section id \"Bad Id\" is not allowed; use [a-z0-9-]+"));
  }
  page.add_section("a", "x", text(""));
  try {
    page.add_section("a", "y", text(""));
    FAIL() << "no error";
  } catch (const RenderError& e) {
    EXPECT_THAT(e.what(), HasSubstr("section id \"a\" is used twice"));
  }
}

TEST(HtmlTone, NamesAndColours) {
  EXPECT_EQ(to_string(Tone::kSupported), "supported");
  EXPECT_EQ(to_string(Tone::kNotSupported), "not-supported");
  EXPECT_EQ(to_string(Tone::kInconclusive), "inconclusive");
  EXPECT_EQ(tone_colour(Tone::kSupported), "#1b7837");
  EXPECT_NE(tone_colour(Tone::kSupported), tone_colour(Tone::kNotSupported));
  EXPECT_NE(tone_colour(Tone::kInconclusive), tone_colour(Tone::kNeutral));
}

}  // namespace
}  // namespace rigor::reports::html
