//! A small SVG writer: elements with attributes, text escaped for XML, and
//! numbers rounded to a tenth of a pixel. Written by hand rather than with a
//! crate because pictures need only rectangles, paths and text, and a
//! hand-written document keeps the output readable and diffable.

use std::fmt::Write;

/// An SVG document being written.
pub struct Svg {
    out: String,
}

/// An attribute value: text or a coordinate.
#[derive(Clone, Copy)]
pub enum Val<'a> {
    S(&'a str),
    N(f64),
}

impl From<&'static str> for Val<'static> {
    fn from(s: &'static str) -> Self {
        Val::S(s)
    }
}

impl From<f64> for Val<'_> {
    fn from(n: f64) -> Self {
        Val::N(n)
    }
}

/// `&str` and `f64` attribute values in one list.
pub fn s(v: &str) -> Val<'_> {
    Val::S(v)
}

impl Svg {
    /// A document `width` × `height` pixels whose `<style>` is `css`.
    pub fn new(width: f64, height: f64, css: &str) -> Svg {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">",
            w = num(width),
            h = num(height)
        );
        let _ = writeln!(out, "<style>{}</style>", escape(css));
        Svg { out }
    }

    /// `<tag attrs...>`, to be closed with `close`.
    pub fn open(&mut self, tag: &str, attrs: &[(&str, Val)]) {
        self.start(tag, attrs);
        self.out.push_str(">\n");
    }

    pub fn close(&mut self, tag: &str) {
        let _ = writeln!(self.out, "</{tag}>");
    }

    /// `<tag attrs.../>`.
    pub fn empty(&mut self, tag: &str, attrs: &[(&str, Val)]) {
        self.start(tag, attrs);
        self.out.push_str("/>\n");
    }

    /// `<tag attrs...>content</tag>` with `content` escaped.
    pub fn leaf(&mut self, tag: &str, attrs: &[(&str, Val)], content: &str) {
        self.start(tag, attrs);
        let _ = writeln!(self.out, ">{}</{tag}>", escape(content));
    }

    /// A text line at (x, y) in CSS class `class`.
    pub fn text(&mut self, x: f64, y: f64, class: &str, content: &str) {
        self.leaf("text", &[("x", x.into()), ("y", y.into()), ("class", s(class))], content);
    }

    /// A tooltip for the element being written (browsers show it on hover).
    pub fn title(&mut self, content: &str) {
        self.leaf("title", &[], content);
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }

    fn start(&mut self, tag: &str, attrs: &[(&str, Val)]) {
        let _ = write!(self.out, "<{tag}");
        for (name, v) in attrs {
            let _ = match v {
                Val::S(text) => write!(self.out, " {name}=\"{}\"", escape(text)),
                Val::N(n) => write!(self.out, " {name}=\"{}\"", num(*n)),
            };
        }
    }
}

/// `n` with at most one decimal.
pub fn num(n: f64) -> String {
    let r = (n * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Text made safe for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_well_formed_and_escaped() {
        let mut svg = Svg::new(100.0, 50.5, "text{fill:#000}");
        svg.open("g", &[("class", s("a<b"))]);
        svg.empty("rect", &[("x", 1.25.into()), ("width", 10.0.into())]);
        svg.text(2.0, 3.0, "t", "R & W \"quoted\"");
        svg.close("g");
        let doc = svg.finish();
        assert!(doc.contains("class=\"a&lt;b\""), "{doc}");
        assert!(doc.contains("<rect x=\"1.3\" width=\"10\"/>"), "{doc}");
        assert!(doc.contains(">R &amp; W &quot;quoted&quot;</text>"), "{doc}");
        assert!(roxmltree::Document::parse(&doc).is_ok(), "{doc}");
    }
}
