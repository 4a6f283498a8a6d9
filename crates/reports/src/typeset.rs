//! Typesetting with Typst: a document source plus JSON data become a PDF or
//! PNG images, with the embedded CJK fonts (a sans and a serif face) so
//! Chinese never renders as boxes and nothing is read from the machine's
//! fonts or disk.

use std::sync::LazyLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, Str, Value};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// Noto Sans CJK SC Regular, subset (see `fonts/README.md`; OFL 1.1).
static CJK: &[u8] = include_bytes!("../../../fonts/NotoSansCJKsc-Regular-subset.otf");
/// Noto Serif CJK SC Regular, subset: the text of official documents, as
/// 宋体 / 仿宋 are in print (same source and licence).
static CJK_SERIF: &[u8] = include_bytes!("../../../fonts/NotoSerifCJKsc-Regular-subset.otf");

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = Font::iter(Bytes::new(CJK))
        .chain(Font::iter(Bytes::new(CJK_SERIF)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

struct Doc {
    library: LazyHash<Library>,
    main: Source,
    today: chrono::NaiveDate,
}

impl World for Doc {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        use chrono::Datelike;
        Datetime::from_ymd(
            self.today.year(),
            self.today.month() as u8,
            self.today.day() as u8,
        )
    }
}

fn message(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Lays out `source`, which reads `sys.inputs.data` (the JSON given here).
fn layout(
    source: &str,
    data: &serde_json::Value,
    today: chrono::NaiveDate,
) -> Result<PagedDocument, crate::Error> {
    let inputs: Dict = [(Str::from("data"), Value::Str(Str::from(data.to_string())))]
        .into_iter()
        .collect();
    let path = VirtualPath::new("main.typ").map_err(|e| crate::Error::Pdf(format!("{e:?}")))?;
    let id = FileId::new(RootedPath::new(VirtualRoot::Project, path));
    let doc = Doc {
        library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
        main: Source::new(id, source.to_string()),
        today,
    };
    typst::compile::<PagedDocument>(&doc)
        .output
        .map_err(|e| crate::Error::Pdf(message(&e)))
}

/// A PDF of the document.
pub fn pdf(
    source: &str,
    data: &serde_json::Value,
    today: chrono::NaiveDate,
) -> Result<Vec<u8>, crate::Error> {
    let doc = layout(source, data, today)?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).map_err(|e| crate::Error::Pdf(message(&e)))
}

/// The first page as a PNG (for pictures in Word documents), with its size
/// in pixels.
pub fn png(
    source: &str,
    data: &serde_json::Value,
    today: chrono::NaiveDate,
) -> Result<(Vec<u8>, u32, u32), crate::Error> {
    let doc = layout(source, data, today)?;
    let page = doc
        .pages()
        .first()
        .ok_or_else(|| crate::Error::Pdf("empty document".into()))?;
    let pixmap = typst_render::render(
        page,
        &typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(2.0),
            ..Default::default()
        },
    );
    let bytes = pixmap
        .encode_png()
        .map_err(|e| crate::Error::Pdf(e.to_string()))?;
    Ok((bytes, pixmap.width(), pixmap.height()))
}

/// Characters of `text` the embedded font has no glyph for (they would
/// print as boxes). Spaces and control characters are ignored.
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let mut out: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .filter(|c| FONTS.fonts.iter().all(|f| !f.info().coverage.contains(*c as u32)))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
