//! Decoded fields in words: the structure of a decoded value (its fields and their values)
//! without the Rust spelling of it.
//!
//! The dissector prints what the core's decoders return. Their field names are the
//! specifications' (`cns`, `cntid`, `dtyp`, ...) and their enumeration values are the
//! specifications' names (`Controller`, `SubsystemInformation`, ...); what a user must not see
//! is the rest of the Rust notation: type names, braces, `Some(..)`, `None`. [`words`] walks
//! the `Debug` form of a value and keeps only the first two: struct and wrapper type names are
//! dropped, enumeration values become lowercase words (`SubsystemInformation` becomes
//! `subsystem information`), `field: value` becomes `field value`, an absent optional value
//! becomes `none`, and nesting becomes parentheses.

use std::fmt::Debug;

/// `value`'s fields and values in words (see the module documentation).
pub fn words(value: &dyn Debug) -> String {
    let tokens = tokenize(&format!("{value:?}"));
    let mut pos = 0;
    let mut out = String::new();
    render(&tokens, &mut pos, &mut out, true, None);
    out.trim().to_string()
}

/// As [`words`], but an enumeration value's own name is kept as a heading: a `GetState`
/// primitive with its fields reads `get state: clear_error_state true`.
pub fn named(value: &dyn Debug) -> String {
    let tokens = tokenize(&format!("{value:?}"));
    let (Some(Token::Ident(id)), Some(Token::Open(open))) = (tokens.first(), tokens.get(1)) else {
        return words(value);
    };
    let mut out = spaced(id);
    out.push_str(": ");
    let mut pos = 2;
    if *open == '{' {
        group(&tokens, &mut pos, &mut out, true);
    } else {
        sequence(&tokens, &mut pos, &mut out);
    }
    out.trim().to_string()
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// An identifier: a type, field or enumeration value name, or `true`/`false`.
    Ident(String),
    /// A number, a string or character literal, or anything else kept as written.
    Atom(String),
    Open(char),
    Close,
    Comma,
    Colon,
}

fn tokenize(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            '{' | '(' | '[' => {
                out.push(Token::Open(c));
                chars.next();
            }
            '}' | ')' | ']' => {
                out.push(Token::Close);
                chars.next();
            }
            ',' => {
                out.push(Token::Comma);
                chars.next();
            }
            ':' => {
                out.push(Token::Colon);
                chars.next();
            }
            '"' | '\'' => {
                let quote = c;
                let mut lit = String::new();
                lit.push(c);
                chars.next();
                let mut escaped = false;
                for d in chars.by_ref() {
                    lit.push(d);
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == quote {
                        break;
                    }
                }
                out.push(Token::Atom(lit));
            }
            c if c.is_whitespace() => {
                chars.next();
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut id = String::new();
                while let Some(&d) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' {
                        id.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Token::Ident(id));
            }
            _ => {
                let mut atom = String::new();
                while let Some(&d) = chars.peek() {
                    if d.is_whitespace() || "{}()[],:".contains(d) {
                        break;
                    }
                    atom.push(d);
                    chars.next();
                }
                out.push(Token::Atom(atom));
            }
        }
    }
    out
}

/// `SubsystemInformation` as `subsystem information`; `snake_case` field names unchanged.
fn spaced(id: &str) -> String {
    if id.contains('_') || id.chars().all(|c| !c.is_uppercase()) {
        return id.to_string();
    }
    let mut out = String::new();
    let chars: Vec<char> = id.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
        if c.is_uppercase() && i > 0 && (prev_lower || next_lower) {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Render one value starting at `tokens[*pos]`; `top` drops the outermost parentheses;
/// `field` is the name of the field the value belongs to, if any.
fn render(tokens: &[Token], pos: &mut usize, out: &mut String, top: bool, field: Option<&str>) {
    let Some(tok) = tokens.get(*pos) else {
        return;
    };
    match tok {
        Token::Ident(id) => {
            *pos += 1;
            match tokens.get(*pos) {
                // A struct: its name is a type name, dropped; its fields follow.
                Some(Token::Open('{')) => {
                    *pos += 1;
                    group(tokens, pos, out, top);
                }
                // A tuple variant or tuple struct: `Some(x)` and single-field wrappers whose
                // content is itself structured are transparent; otherwise the name is a
                // value's name (`Unknown(5)` as `unknown 5`), unless it only repeats the
                // field's name (`eid: Eid(9)` as `eid 9`).
                Some(Token::Open('(')) => {
                    *pos += 1;
                    let structured = matches!(
                        (tokens.get(*pos), tokens.get(*pos + 1)),
                        (Some(Token::Ident(_)), Some(Token::Open('{')))
                    );
                    let repeats =
                        field.is_some_and(|f| f.replace('_', "").eq_ignore_ascii_case(id));
                    if id == "Some" || structured || repeats {
                        sequence(tokens, pos, out);
                    } else {
                        out.push_str(&spaced(id));
                        out.push(' ');
                        sequence(tokens, pos, out);
                    }
                }
                _ => match id.as_str() {
                    "None" => out.push_str("none"),
                    _ => out.push_str(&spaced(id)),
                },
            }
        }
        Token::Atom(a) => {
            out.push_str(a);
            *pos += 1;
        }
        Token::Open(_) => {
            *pos += 1;
            out.push('[');
            sequence(tokens, pos, out);
            out.push(']');
        }
        Token::Close | Token::Comma | Token::Colon => {
            *pos += 1;
        }
    }
}

/// `field: value, ...` up to the closing brace; parenthesised unless `top`.
fn group(tokens: &[Token], pos: &mut usize, out: &mut String, top: bool) {
    if !top {
        out.push('(');
    }
    let mut first = true;
    loop {
        match tokens.get(*pos) {
            None => break,
            Some(Token::Close) => {
                *pos += 1;
                break;
            }
            Some(Token::Comma) => {
                *pos += 1;
            }
            Some(Token::Ident(name)) if tokens.get(*pos + 1) == Some(&Token::Colon) => {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                out.push_str(name);
                out.push(' ');
                *pos += 2;
                render(tokens, pos, out, false, Some(name));
            }
            // `..` of a non-exhaustive Debug, or anything unexpected: kept in order.
            Some(_) => {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                render(tokens, pos, out, false, None);
            }
        }
    }
    if !top {
        out.push(')');
    }
}

/// Values separated by commas up to the closing bracket.
fn sequence(tokens: &[Token], pos: &mut usize, out: &mut String) {
    let mut first = true;
    loop {
        match tokens.get(*pos) {
            None => break,
            Some(Token::Close) => {
                *pos += 1;
                break;
            }
            Some(Token::Comma) => {
                *pos += 1;
            }
            Some(_) => {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                render(tokens, pos, out, true, None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(dead_code)]
    #[derive(Debug)]
    enum Cns {
        Controller,
        ActiveNamespaceList,
        Unknown(u8),
    }

    #[allow(dead_code)]
    #[derive(Debug)]
    struct Identify {
        cns: Cns,
        cntid: u16,
        nsid: Option<u32>,
        uuid: Option<u8>,
    }

    #[allow(dead_code)]
    #[derive(Debug)]
    enum Command {
        Identify(Identify),
        Other(Cns),
    }

    #[test]
    fn type_names_are_dropped_and_values_read_as_words() {
        let c = Command::Identify(Identify {
            cns: Cns::ActiveNamespaceList,
            cntid: 3,
            nsid: Some(1),
            uuid: None,
        });
        let w = words(&c);
        assert_eq!(w, "cns active namespace list, cntid 3, nsid 1, uuid none");
        assert!(!w.contains("Identify") && !w.contains('{') && !w.contains("Some"));
    }

    #[test]
    fn tuple_values_keep_their_meaning() {
        assert_eq!(words(&Command::Other(Cns::Unknown(7))), "other unknown 7");
        assert_eq!(words(&Cns::Controller), "controller");
        assert_eq!(words(&[1u8, 2]), "[1, 2]");
        assert_eq!(words(&"a \"quoted\" text"), "\"a \\\"quoted\\\" text\"");
    }

    #[test]
    fn nested_structures_are_parenthesised() {
        #[allow(dead_code)]
        #[derive(Debug)]
        struct Outer {
            inner: Identify,
            n: i32,
        }
        let o = Outer {
            inner: Identify {
                cns: Cns::Controller,
                cntid: 0,
                nsid: None,
                uuid: None,
            },
            n: -1,
        };
        assert_eq!(
            words(&o),
            "inner (cns controller, cntid 0, nsid none, uuid none), n -1"
        );
    }

    #[test]
    fn a_wrapper_named_as_its_field_is_transparent_and_a_heading_can_be_kept() {
        #[allow(dead_code)]
        #[derive(Debug)]
        struct Eid(u8);
        #[allow(dead_code)]
        #[derive(Debug)]
        struct Resp {
            eid: Eid,
            other: Eid,
        }
        #[allow(dead_code)]
        #[derive(Debug)]
        enum Body {
            GetEndpointId(Resp),
            GetState { clear_error_state: bool },
        }
        let r = Body::GetEndpointId(Resp {
            eid: Eid(9),
            other: Eid(1),
        });
        assert_eq!(words(&r), "eid 9, other eid 1");
        assert_eq!(named(&r), "get endpoint id: eid 9, other eid 1");
        let p = Body::GetState {
            clear_error_state: true,
        };
        assert_eq!(named(&p), "get state: clear_error_state true");
        assert_eq!(named(&Cns::Controller), "controller");
    }

    #[test]
    fn acronyms_stay_together() {
        assert_eq!(spaced("SmbusI2cFrequency"), "smbus i2c frequency");
        assert_eq!(spaced("MCTPTransmissionUnit"), "mctp transmission unit");
        assert_eq!(spaced("cntid"), "cntid");
    }
}
