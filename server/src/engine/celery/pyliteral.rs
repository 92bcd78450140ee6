//! Reads back the Python reprs that task events carry for arguments
//! (`(55, 'x')`, `{'note': 'é', 'n': None}`) as JSON, for runs that other
//! code sent. Only literals: strings, numbers, `True`/`False`/`None`,
//! tuples, lists and dicts with string keys. Anything else (an object's
//! repr, a repr Celery cut short with `...`) is `None`, and the caller
//! keeps the text as it is.

use serde_json::{Map, Number, Value};

/// Nesting deeper than this is not read.
const MAX_DEPTH: usize = 64;

/// The JSON of a Python literal, or `None` when `text` is not one.
pub fn parse(text: &str) -> Option<Value> {
    let mut parser = Parser { chars: text.chars().collect(), at: 0 };
    let value = parser.value(0)?;
    parser.skip_space();
    (parser.at == parser.chars.len()).then_some(value)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, expected: char) -> bool {
        self.skip_space();
        let found = self.peek() == Some(expected);
        if found {
            self.at += 1;
        }
        found
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            '(' => self.sequence(')', depth),
            '[' => self.sequence(']', depth),
            '{' => self.dict(depth),
            '\'' | '"' => self.string().map(Value::String),
            'b' if matches!(self.chars.get(self.at + 1), Some('\'' | '"')) => None,
            _ => self.word(),
        }
    }

    /// A tuple or a list, as a JSON array (a one-tuple's trailing comma too).
    fn sequence(&mut self, close: char, depth: usize) -> Option<Value> {
        self.at += 1;
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Some(Value::Array(items));
            }
            items.push(self.value(depth + 1)?);
            if !self.eat(',') {
                return self.eat(close).then_some(Value::Array(items));
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Option<Value> {
        self.at += 1;
        let mut object = Map::new();
        loop {
            if self.eat('}') {
                return Some(Value::Object(object));
            }
            let Value::String(key) = self.value(depth + 1)? else { return None };
            if !self.eat(':') {
                return None;
            }
            object.insert(key, self.value(depth + 1)?);
            if !self.eat(',') {
                return self.eat('}').then_some(Value::Object(object));
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        let quote = self.peek()?;
        self.at += 1;
        let mut text = String::new();
        loop {
            let c = self.peek()?;
            self.at += 1;
            match c {
                c if c == quote => return Some(text),
                '\\' => text.push(self.escape()?),
                c => text.push(c),
            }
        }
    }

    fn escape(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        let hex = |parser: &mut Parser, digits: usize| {
            let code: String = parser.chars.get(parser.at..parser.at + digits)?.iter().collect();
            parser.at += digits;
            char::from_u32(u32::from_str_radix(&code, 16).ok()?)
        };
        Some(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            'x' => hex(self, 2)?,
            'u' => hex(self, 4)?,
            'U' => hex(self, 8)?,
            '\\' | '\'' | '"' => c,
            _ => return None,
        })
    }

    /// `True`, `False`, `None`, or a number (ints of any size that fit JSON's).
    fn word(&mut self) -> Option<Value> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || "+-._".contains(c)) {
            self.at += 1;
        }
        let word: String = self.chars[start..self.at].iter().collect();
        match word.as_str() {
            "True" => Some(Value::Bool(true)),
            "False" => Some(Value::Bool(false)),
            "None" => Some(Value::Null),
            _ => {
                let number = word.replace('_', "");
                if let Ok(int) = number.parse::<i64>() {
                    return Some(Value::Number(int.into()));
                }
                if let Ok(int) = number.parse::<u64>() {
                    return Some(Value::Number(int.into()));
                }
                number.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde_json::json;

    #[test]
    fn python_literals_read_as_json() {
        assert_eq!(parse("(55, 66)"), Some(json!([55, 66])));
        assert_eq!(parse("('only',)"), Some(json!(["only"])));
        assert_eq!(parse("()"), Some(json!([])));
        assert_eq!(
            parse(r#"{'note': "it's", 'n': None, 'ok': True, 'x': -2.5, 'l': [1, {'a': False}]}"#),
            Some(json!({"note": "it's", "n": null, "ok": true, "x": -2.5, "l": [1, {"a": false}]}))
        );
        assert_eq!(parse(r"'\xe9 \u65e5 \U0001f600 \n'"), Some(json!("é 日 😀 \n")));
        assert_eq!(parse("'é ✓'"), Some(json!("é ✓")));
    }

    #[test]
    fn what_is_not_a_literal_is_left_alone() {
        for text in ["(<object at 0x1>,)", "('cut short'...", "{1: 2}", "b'bytes'", "(1, 2", "nan", "[1] x"] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
