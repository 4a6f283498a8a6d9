//! Word documents (.docx, what schools hand in) in the house style of
//! Chinese official documents (GB/T 9704 as the reference): A4 with its
//! margins; a title; real heading styles (`Heading1`, `Heading2`, so
//! Word's navigation pane and a table of contents work) numbered 一、
//! （一） in Chinese and 1. 1.1 in English, each kept with what follows;
//! body text in 仿宋 with 宋体 declared as the document's font; tables
//! inside the margins with a header row and numbers right-aligned; page
//! numbers in the footer; the closing name and date (落款); and the
//! document's title, author and date in its properties.

use docx_rs::{
    AlignmentType, Docx, Footer, PageMargin, PageNum, Paragraph, Pic, Run, RunFonts, Style, StyleType, Table,
    TableCell, TableLayoutType, TableRow, WidthType,
};
use lingyan_domain::Locale;
use std::io::{Read, Write};

/// A4 in twentieths of a point.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
/// GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1588;
const MARGIN_RIGHT: i32 = 1474;
/// The width tables may take: the page less its side margins.
pub const TEXT_WIDTH: usize = (PAGE_W as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;

/// Latin text in Times New Roman, Chinese in `east_asia`.
fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .cs("Times New Roman")
}

/// The body face: 仿宋 (as official documents use), 宋体 where it is
/// missing (the document's default font).
fn run(text: &str) -> Run {
    Run::new().add_text(text).fonts(fonts("仿宋"))
}

/// Chinese numerals for section numbers: 一 … 九十九.
fn zh_number(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "〇".into(),
        1..=9 => D[n].into(),
        10..=19 => format!("十{}", D[n % 10]),
        _ => format!("{}十{}", D[(n / 10) % 10], D[n % 10]),
    }
}

/// Document properties (File › Properties in Word).
#[derive(Debug, Clone, Default)]
pub struct Properties {
    pub title: String,
    /// The school or district that hands the document in.
    pub author: String,
    /// ISO date (YYYY-MM-DD) the document is dated.
    pub date: String,
    pub language: String,
}

/// A document being built.
pub struct Document {
    docx: Docx,
    locale: Option<Locale>,
    sections: usize,
    subsections: usize,
    properties: Option<Properties>,
}

impl Default for Document {
    fn default() -> Self {
        Self::new()
    }
}

impl Document {
    /// An A4 document with the house styles and page numbers; headings are
    /// not numbered (see [`Document::numbered`]).
    pub fn new() -> Self {
        let heading = |id: &str, name: &str, face: &str, size: usize, level: usize| {
            Style::new(id, StyleType::Paragraph)
                .name(name)
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .fonts(fonts(face))
                .size(size)
                .bold()
                .outline_lvl(level)
        };
        let docx = Docx::new()
            .page_size(PAGE_W, PAGE_H)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN_TOP)
                    .bottom(MARGIN_BOTTOM)
                    .left(MARGIN_LEFT)
                    .right(MARGIN_RIGHT)
                    .header(851)
                    .footer(992),
            )
            .default_fonts(fonts("宋体"))
            .default_size(24)
            .add_style(
                Style::new("Title", StyleType::Paragraph)
                    .name("Title")
                    .based_on("Normal")
                    .next("Normal")
                    .q_format(true)
                    .fonts(fonts("宋体"))
                    .size(40)
                    .bold()
                    .align(AlignmentType::Center),
            )
            .add_style(heading("Heading1", "heading 1", "黑体", 30, 0))
            .add_style(heading("Heading2", "heading 2", "楷体", 28, 1))
            .footer(
                Footer::new().add_paragraph(
                    Paragraph::new()
                        .add_page_num(PageNum::new())
                        .align(AlignmentType::Center),
                ),
            );
        Self {
            docx,
            locale: None,
            sections: 0,
            subsections: 0,
            properties: None,
        }
    }

    /// Numbers headings as official documents do: 一、（一） in Chinese,
    /// 1. 1.1 in English.
    pub fn numbered(mut self, l: Locale) -> Self {
        self.locale = Some(l);
        self
    }

    /// Title, author and date for the document's properties.
    pub fn properties(mut self, p: Properties) -> Self {
        self.properties = Some(p);
        self
    }

    /// The centred title (style `Title`).
    pub fn title(mut self, text: &str) -> Self {
        self.docx = self.docx.add_paragraph(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(text))
                .align(AlignmentType::Center)
                .keep_next(true),
        );
        self
    }

    /// A section heading (style `Heading1`), numbered when asked.
    pub fn heading(mut self, text: &str) -> Self {
        self.sections += 1;
        self.subsections = 0;
        let text = match self.locale {
            Some(Locale::ZhCn) => format!("{}、{text}", zh_number(self.sections)),
            Some(Locale::En) => format!("{}. {text}", self.sections),
            None => text.to_string(),
        };
        self.docx = self.docx.add_paragraph(
            Paragraph::new()
                .style("Heading1")
                .add_run(Run::new().add_text(text))
                .keep_next(true),
        );
        self
    }

    /// A subsection heading (style `Heading2`), numbered when asked.
    pub fn subheading(mut self, text: &str) -> Self {
        self.subsections += 1;
        let text = match self.locale {
            Some(Locale::ZhCn) => format!("（{}）{text}", zh_number(self.subsections)),
            Some(Locale::En) => format!("{}.{} {text}", self.sections, self.subsections),
            None => text.to_string(),
        };
        self.docx = self.docx.add_paragraph(
            Paragraph::new()
                .style("Heading2")
                .add_run(Run::new().add_text(text))
                .keep_next(true),
        );
        self
    }

    /// A PNG picture `width_cm` wide (at most the text width), keeping its
    /// proportions.
    pub fn image(mut self, png: Vec<u8>, width_px: u32, height_px: u32, width_cm: f64) -> Self {
        const EMU_PER_CM: f64 = 360_000.0;
        let max_cm = TEXT_WIDTH as f64 / 567.0;
        let width_cm = width_cm.min(max_cm);
        let w = (width_cm * EMU_PER_CM) as u32;
        let h = (width_cm * EMU_PER_CM * f64::from(height_px) / f64::from(width_px.max(1))) as u32;
        let pic = Pic::new_with_dimensions(png, width_px, height_px).size(w, h);
        self.docx = self.docx.add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_image(pic))
                .align(AlignmentType::Center),
        );
        self
    }

    /// A body paragraph (小四, 12 pt) with a two-character first-line indent
    /// as Chinese documents have.
    pub fn paragraph(mut self, text: &str) -> Self {
        self.docx = self
            .docx
            .add_paragraph(Paragraph::new().add_run(run(text).size(24)).indent(
                None,
                Some(docx_rs::SpecialIndentType::FirstLine(480)),
                None,
                None,
            ));
        self
    }

    /// A line without indent (小四), for signature and date lines;
    /// `space_before` in twentieths of a point.
    pub fn line(mut self, text: &str, space_before: u32) -> Self {
        self.docx = self.docx.add_paragraph(
            Paragraph::new()
                .add_run(run(text).size(24))
                .line_spacing(docx_rs::LineSpacing::new().before(space_before)),
        );
        self
    }

    /// Starts a new page; headings after it are numbered afresh (for
    /// several documents in one file, such as a ceremony's agreements).
    pub fn page_break(mut self) -> Self {
        self.docx = self
            .docx
            .add_paragraph(Paragraph::new().add_run(Run::new().add_break(docx_rs::BreakType::Page)));
        self.sections = 0;
        self.subsections = 0;
        self
    }

    /// A small grey note line (五号, 10.5 pt).
    pub fn note(mut self, text: &str) -> Self {
        self.docx = self
            .docx
            .add_paragraph(Paragraph::new().add_run(run(text).size(21).color("666666")));
        self
    }

    /// A table across the text width: a bold header row, columns as wide
    /// as their content asks (within the margins), numbers right-aligned.
    pub fn table(mut self, headers: &[String], rows: &[Vec<String>]) -> Self {
        let widths = column_widths(headers, rows);
        let cell = |t: &str, w: usize, bold: bool| {
            let r = run(t).size(21);
            let r = if bold { r.bold() } else { r };
            let align = if !bold && is_number(t) {
                AlignmentType::Right
            } else {
                AlignmentType::Left
            };
            TableCell::new()
                .width(w, WidthType::Dxa)
                .add_paragraph(Paragraph::new().add_run(r).align(align))
        };
        let mut trs = vec![
            TableRow::new(
                headers
                    .iter()
                    .zip(&widths)
                    .map(|(h, w)| cell(h, *w, true))
                    .collect(),
            )
            .cant_split(),
        ];
        for r in rows {
            trs.push(
                TableRow::new(r.iter().zip(&widths).map(|(c, w)| cell(c, *w, false)).collect()).cant_split(),
            );
        }
        self.docx = self
            .docx
            .add_table(
                Table::new(trs)
                    .set_grid(widths.clone())
                    .layout(TableLayoutType::Fixed)
                    .width(widths.iter().sum(), WidthType::Dxa),
            )
            .add_paragraph(Paragraph::new());
        self
    }

    /// The closing lines (落款): who hands the document in and the date,
    /// right-aligned after a blank line.
    pub fn closing(mut self, name: &str, date: &str) -> Self {
        self.docx = self.docx.add_paragraph(Paragraph::new());
        for line in [name, date] {
            if !line.is_empty() {
                self.docx = self.docx.add_paragraph(
                    Paragraph::new()
                        .add_run(run(line).size(24))
                        .align(AlignmentType::Right),
                );
            }
        }
        self
    }

    /// The finished .docx bytes.
    pub fn bytes(self) -> Result<Vec<u8>, crate::Error> {
        let mut buf = std::io::Cursor::new(Vec::new());
        self.docx
            .build()
            .pack(&mut buf)
            .map_err(|e| crate::Error::Docx(e.to_string()))?;
        finish(&buf.into_inner(), self.properties.as_ref())
    }
}

/// Whether a cell holds a number (or a share such as "43%", "12 (24%)",
/// "5 / 100 (5%)"); dates are not numbers.
pub(crate) fn is_number(s: &str) -> bool {
    let s = s.trim();
    let body = s.strip_prefix('-').unwrap_or(s);
    body.chars().next().is_some_and(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || " .,%/()（）".contains(c))
}

/// How wide a text is, in character widths (a Chinese character counts two).
fn text_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// The narrowest a cell's text sets without breaking a word: its longest
/// word of Latin letters or digits, or three characters of Chinese (which
/// wraps between any two characters).
fn word_width(s: &str) -> usize {
    s.split_whitespace()
        .map(|w| {
            if w.is_ascii() {
                text_width(w)
            } else {
                text_width(w).min(6)
            }
        })
        .max()
        .unwrap_or(0)
}

/// Column widths (twips) summing to at most the text width: each column
/// as wide as its longest cell (header included); when they do not fit,
/// each keeps room for its longest word (so "Apprentice" or "李秀英" is
/// not broken) and the rest is shared by what each wanted; never narrower
/// than four characters.
pub fn column_widths(headers: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    const CHAR: usize = 115; // 五号 half-width character
    const PADDING: usize = 230; // the cell's margins, left and right
    const MIN: usize = 4 * CHAR + PADDING;
    let n = headers.len().max(1);
    let cells = |i: usize| {
        std::iter::once(headers.get(i).map(String::as_str).unwrap_or("")).chain(
            rows.iter()
                .map(move |r| r.get(i).map(String::as_str).unwrap_or("")),
        )
    };
    let want: Vec<usize> = (0..n)
        .map(|i| {
            let longest = cells(i).map(text_width).max().unwrap_or(0);
            // A long text wraps: no column asks for more than half the page.
            // One character more: capitals are wider than the average.
            ((longest + 1) * CHAR + PADDING).clamp(MIN, TEXT_WIDTH / 2)
        })
        .collect();
    let total: usize = want.iter().sum();
    if total <= TEXT_WIDTH {
        return want;
    }
    let least: Vec<usize> = (0..n)
        .map(|i| {
            let word = cells(i).map(word_width).max().unwrap_or(0);
            ((word + 1) * CHAR + PADDING).clamp(MIN, want[i])
        })
        .collect();
    let (floor, least) = match least.iter().sum::<usize>() {
        f if f < TEXT_WIDTH => (f, least),
        _ if MIN * n < TEXT_WIDTH => (MIN * n, vec![MIN; n]),
        _ => return vec![TEXT_WIDTH / n; n],
    };
    // Give every column its least and share the rest by what it wanted more.
    let spare = TEXT_WIDTH - floor;
    let extra: usize = want.iter().zip(&least).map(|(w, l)| w - l).sum();
    want.iter()
        .zip(&least)
        .map(|(w, l)| l + (w - l) * spare / extra.max(1))
        .collect()
}

/// What docx-rs cannot write, put into its package: each table's first
/// row marked as its header (repeated at the top of every page the table
/// runs onto), and `docProps/core.xml` with the document's title, author
/// and date (docx-rs writes only its own defaults).
fn finish(docx: &[u8], p: Option<&Properties>) -> Result<Vec<u8>, crate::Error> {
    let err = |e: &dyn std::fmt::Display| crate::Error::Docx(e.to_string());
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let core = p.map(|p| core_xml(p, &esc));
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(|e| err(&e))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..input.len() {
        let mut f = input.by_index(i).map_err(|e| err(&e))?;
        let name = f.name().map_err(|e| err(&e))?.to_string();
        out.start_file(name.as_str(), opts).map_err(|e| err(&e))?;
        let mut data = Vec::new();
        f.read_to_end(&mut data).map_err(|e| err(&e))?;
        match (name.as_str(), &core) {
            ("docProps/core.xml", Some(core)) => out.write_all(core.as_bytes()),
            ("word/document.xml", _) => out.write_all(
                String::from_utf8_lossy(&data)
                    .replace(HEADER_ROW, HEADER_ROW_MARKED)
                    .as_bytes(),
            ),
            _ => out.write_all(&data),
        }
        .map_err(|e| err(&e))?;
    }
    Ok(out.finish().map_err(|e| err(&e))?.into_inner())
}

/// A table's first row as docx-rs writes it (every row here cannot split),
/// and the same row marked as the header.
const HEADER_ROW: &str = "</w:tblGrid><w:tr><w:trPr><w:cantSplit />";
const HEADER_ROW_MARKED: &str = "</w:tblGrid><w:tr><w:trPr><w:cantSplit /><w:tblHeader />";

fn core_xml(p: &Properties, esc: &dyn Fn(&str) -> String) -> String {
    let stamp = if p.date.is_empty() {
        "1970-01-01T00:00:00Z".to_string()
    } else {
        format!("{}T00:00:00Z", p.date)
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><dc:language>{}</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified><cp:revision>1</cp:revision></cp:coreProperties>"#,
        esc(&p.title),
        esc(&p.author),
        esc(&p.author),
        esc(&p.language),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(docx: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn numbers_chinese_sections() {
        assert_eq!(zh_number(1), "一");
        assert_eq!(zh_number(10), "十");
        assert_eq!(zh_number(12), "十二");
        assert_eq!(zh_number(21), "二十一");
    }

    #[test]
    fn headings_styles_tables_and_properties() {
        let wide: Vec<String> = (0..9).map(|i| format!("很长很长的列标题{i}")).collect();
        let rows = vec![(0..9).map(|i| format!("{}", i * 1000)).collect::<Vec<_>>()];
        let bytes = Document::new()
            .numbered(Locale::ZhCn)
            .properties(Properties {
                title: "情况分析".into(),
                author: "广府实验小学".into(),
                date: "2026-12-02".into(),
                language: "zh-CN".into(),
            })
            .title("情况分析")
            .heading("基本情况")
            .subheading("年龄结构")
            .table(&wide, &rows)
            .heading("师资结构")
            .closing("广府实验小学", "2026年12月2日")
            .bytes()
            .unwrap();
        let doc = entry(&bytes, "word/document.xml");
        assert!(doc.contains(r#"<w:pStyle w:val="Heading1" />"#), "{doc}");
        assert!(
            doc.contains("一、基本情况") && doc.contains("（一）年龄结构") && doc.contains("二、师资结构")
        );
        assert!(doc.contains("<w:keepNext"));
        // The header row repeats on each page the table runs onto.
        assert_eq!(doc.matches("<w:tblHeader />").count(), 1, "{doc}");
        // The table fits inside the margins.
        let w: usize = doc
            .split("<w:tblW w:w=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        assert!(w <= TEXT_WIDTH, "{w} > {TEXT_WIDTH}");
        assert!(doc.contains(r#"<w:jc w:val="right" />"#), "numbers right-aligned");
        let styles = entry(&bytes, "word/styles.xml");
        assert!(
            styles.contains(r#"w:styleId="Heading1""#) && styles.contains("<w:outlineLvl w:val=\"0\" />")
        );
        let core = entry(&bytes, "docProps/core.xml");
        assert!(
            core.contains("<dc:title>情况分析</dc:title>")
                && core.contains("<dc:creator>广府实验小学</dc:creator>")
        );
        assert!(entry(&bytes, "word/footer1.xml").contains("PAGE"));
    }

    #[test]
    fn columns_share_the_text_width() {
        let h: Vec<String> = vec!["a".into(), "b".repeat(200), "c".into()];
        let w = column_widths(&h, &[]);
        assert!(w.iter().sum::<usize>() <= TEXT_WIDTH);
        assert!(w[1] > w[0] && w[0] >= 690);
        assert_eq!(column_widths(&["x".into()], &[]), vec![690]);
        // Short words are not broken when a long column takes the rest.
        let h: Vec<String> = vec!["As".into(), "With".into(), "Activity".into()];
        let rows = vec![vec!["Apprentice".into(), "李秀英".into(), "x ".repeat(300)]];
        let w = column_widths(&h, &rows);
        assert!(w.iter().sum::<usize>() <= TEXT_WIDTH);
        assert!(w[0] >= 10 * 115 + 230 && w[1] >= 6 * 115 + 230, "{w:?}");
        assert!(is_number("43%") && is_number("5 / 100 (5%)") && is_number("-2"));
        assert!(!is_number("2026-12-03") && !is_number("三（2）班"));
    }
}
