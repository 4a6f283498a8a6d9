//! Word documents (.docx, what schools hand in) with a Chinese font set on
//! every run, so text looks right in Word and WPS on any machine.

use docx_rs::{AlignmentType, Docx, Paragraph, Pic, Run, RunFonts, Table, TableCell, TableRow, WidthType};

/// The fonts of every run: 宋体 for Chinese, Times New Roman for Latin.
fn fonts() -> RunFonts {
    RunFonts::new()
        .east_asia("宋体")
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .cs("Times New Roman")
}

fn run(text: &str) -> Run {
    Run::new().add_text(text).fonts(fonts())
}

/// A document being built.
pub struct Document {
    docx: Docx,
}

impl Default for Document {
    fn default() -> Self {
        Self::new()
    }
}

impl Document {
    pub fn new() -> Self {
        Self { docx: Docx::new() }
    }

    /// A centred bold title (三号, 16 pt).
    pub fn title(mut self, text: &str) -> Self {
        self.docx = self.docx.add_paragraph(
            Paragraph::new()
                .add_run(run(text).bold().size(32))
                .align(AlignmentType::Center),
        );
        self
    }

    /// A bold heading (四号, 14 pt).
    pub fn heading(mut self, text: &str) -> Self {
        self.docx = self
            .docx
            .add_paragraph(Paragraph::new().add_run(run(text).bold().size(28)));
        self
    }

    /// A smaller bold heading (小四, 12 pt).
    pub fn subheading(mut self, text: &str) -> Self {
        self.docx = self
            .docx
            .add_paragraph(Paragraph::new().add_run(run(text).bold().size(24)));
        self
    }

    /// A PNG picture `width_cm` wide, keeping its proportions.
    pub fn image(mut self, png: Vec<u8>, width_px: u32, height_px: u32, width_cm: f64) -> Self {
        const EMU_PER_CM: f64 = 360_000.0;
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

    /// A small grey note line (五号, 10.5 pt).
    pub fn note(mut self, text: &str) -> Self {
        self.docx = self
            .docx
            .add_paragraph(Paragraph::new().add_run(run(text).size(21).color("666666")));
        self
    }

    /// A table with a bold header row.
    pub fn table(mut self, headers: &[String], rows: &[Vec<String>]) -> Self {
        let cell = |t: &str, bold: bool| {
            let r = if bold { run(t).bold() } else { run(t) };
            TableCell::new().add_paragraph(Paragraph::new().add_run(r.size(21)))
        };
        let mut trs = vec![TableRow::new(headers.iter().map(|h| cell(h, true)).collect())];
        for r in rows {
            trs.push(TableRow::new(r.iter().map(|c| cell(c, false)).collect()));
        }
        self.docx = self
            .docx
            .add_table(Table::new(trs).width(9000, WidthType::Dxa))
            .add_paragraph(Paragraph::new());
        self
    }

    /// The finished .docx bytes.
    pub fn bytes(self) -> Result<Vec<u8>, crate::Error> {
        let mut buf = std::io::Cursor::new(Vec::new());
        self.docx
            .build()
            .pack(&mut buf)
            .map_err(|e| crate::Error::Docx(e.to_string()))?;
        Ok(buf.into_inner())
    }
}
