//! Reading a spreadsheet file into text cells, with hard bounds on size.

use super::values::excel_serial_to_date;
use super::{ImportError, MAX_BYTES, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, RawTable};
use calamine::{DataRef, Reader, Xlsx};
use std::io::Cursor;

/// Total text the reader keeps, whatever the compression ratio of an XLSX.
const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<RawTable, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len() });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty);
    }
    let lower = file_name.to_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || lower.ends_with(".xls") || lower.ends_with(".et") {
        return Err(ImportError::LegacyFormat);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(ImportError::NotSpreadsheet("PDF".into()));
    }
    if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        return Err(ImportError::NotSpreadsheet("not a valid XLSX (zip) file".into()));
    }
    let text = decode_text(bytes)?;
    let rows = parse_csv(&text)?;
    let sheet = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).to_string();
    finish(sheet, rows)
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030.
fn decode_text(bytes: &[u8]) -> Result<String, ImportError> {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8(rest.to_vec()).map_err(|_| ImportError::NotSpreadsheet("invalid UTF-8".into()))?
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (t, _, errors) = encoding_rs::UTF_16LE.decode(bytes);
        if errors {
            return Err(ImportError::NotSpreadsheet("invalid UTF-16".into()));
        }
        t.into_owned()
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        let (t, errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if errors {
            return Err(ImportError::NotSpreadsheet("neither UTF-8 nor GB18030 text".into()));
        }
        t.into_owned()
    };
    let control = text.chars().filter(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{c}')).count();
    if control > 0 {
        return Err(ImportError::NotSpreadsheet("binary data".into()));
    }
    Ok(text)
}

fn delimiter(text: &str) -> char {
    let first: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    let count = |c| first.matches(c).count();
    let (comma, tab, semi) = (count(','), count('\t'), count(';'));
    if tab > comma && tab >= semi {
        '\t'
    } else if semi > comma {
        ';'
    } else {
        ','
    }
}

/// RFC 4180 CSV (quotes, doubled quotes, CRLF), with the row and column bounds applied.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, ImportError> {
    let delim = delimiter(text);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut cell_chars = 0usize;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let push_cell = |row: &mut Vec<String>, cell: &mut String, cell_chars: &mut usize| {
        row.push(std::mem::take(cell));
        *cell_chars = 0;
        if row.len() > MAX_COLUMNS && row.iter().skip(MAX_COLUMNS).any(|c| !c.trim().is_empty()) {
            return Err(ImportError::TooManyColumns);
        }
        Ok(())
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    push_char(&mut cell, &mut cell_chars, '"');
                } else {
                    in_quotes = false;
                }
            } else {
                push_char(&mut cell, &mut cell_chars, c);
            }
        } else if c == '"' && cell.is_empty() {
            in_quotes = true;
        } else if c == delim {
            push_cell(&mut row, &mut cell, &mut cell_chars)?;
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            push_cell(&mut row, &mut cell, &mut cell_chars)?;
            rows.push(std::mem::take(&mut row));
            if rows.len() > MAX_ROWS {
                return Err(ImportError::TooManyRows);
            }
        } else {
            push_char(&mut cell, &mut cell_chars, c);
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        push_cell(&mut row, &mut cell, &mut cell_chars)?;
        rows.push(row);
    }
    if rows.len() > MAX_ROWS {
        return Err(ImportError::TooManyRows);
    }
    Ok(rows)
}

/// Keep at most `MAX_CELL_CHARS + 1` characters: `interpret` reports longer cells.
fn push_char(cell: &mut String, n: &mut usize, c: char) {
    if *n <= MAX_CELL_CHARS {
        cell.push(c);
    }
    *n += 1;
}

fn finish(sheet: String, mut rows: Vec<Vec<String>>) -> Result<RawTable, ImportError> {
    for r in &mut rows {
        r.truncate(MAX_COLUMNS);
        while r.last().is_some_and(|c| c.trim().is_empty()) {
            r.pop();
        }
    }
    while rows.last().is_some_and(|r| r.is_empty()) {
        rows.pop();
    }
    if rows.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(RawTable { sheet, rows })
}

fn xlsx_error(e: impl std::fmt::Display) -> ImportError {
    ImportError::NotSpreadsheet(format!("XLSX: {e}"))
}

/// The first sheet with a non-empty cell, read cell by cell (never by declared dimensions).
fn read_xlsx(bytes: &[u8]) -> Result<RawTable, ImportError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let names = book.sheet_names();
    for name in names {
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut text_bytes = 0usize;
        {
            let mut cells = book.worksheet_cells_reader(&name).map_err(xlsx_error)?;
            while let Some(cell) = cells.next_cell().map_err(xlsx_error)? {
                let (r, c) = cell.get_position();
                let Some(text) = cell_text(cell.get_value()) else { continue };
                if text.trim().is_empty() {
                    continue;
                }
                let (r, c) = (r as usize, c as usize);
                if r >= MAX_ROWS {
                    return Err(ImportError::TooManyRows);
                }
                if c >= MAX_COLUMNS {
                    return Err(ImportError::TooManyColumns);
                }
                text_bytes += text.len();
                if text_bytes > MAX_TEXT_BYTES {
                    return Err(ImportError::TooLarge { bytes: text_bytes });
                }
                if rows.len() <= r {
                    rows.resize_with(r + 1, Vec::new);
                }
                let row = &mut rows[r];
                if row.len() <= c {
                    row.resize_with(c + 1, String::new);
                }
                row[c] = text;
            }
        }
        if !rows.is_empty() {
            return finish(name, rows);
        }
    }
    Err(ImportError::Empty)
}

fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

fn truncate(s: &str) -> String {
    s.chars().take(MAX_CELL_CHARS + 1).collect()
}

fn cell_text(v: &DataRef<'_>) -> Option<String> {
    Some(match v {
        DataRef::Empty => return None,
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => format_number(*f),
        DataRef::String(s) => truncate(s),
        DataRef::SharedString(s) => truncate(s),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => {
            if dt.is_datetime() {
                match excel_serial_to_date(dt.as_f64()) {
                    Some(d) => d.format("%Y-%m-%d").to_string(),
                    None => format_number(dt.as_f64()),
                }
            } else {
                format_number(dt.as_f64())
            }
        }
        DataRef::DateTimeIso(s) => truncate(s.split('T').next().unwrap_or(s)),
        DataRef::DurationIso(s) => truncate(s),
        DataRef::Error(e) => format!("#{e:?}"),
    })
}
