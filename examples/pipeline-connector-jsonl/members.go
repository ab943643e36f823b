package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// members calls fn with each member of the JSON object in line, in the
// order written: the key (decoded; the bytes may alias line) and the
// value's JSON text (like json.RawMessage). It is a single pass over the bytes for the flat
// objects a JSON-lines export holds, several times faster than
// json.Unmarshal into a map; a key or string value with escapes, and any
// nested value or literal, is checked by encoding/json, so what it accepts
// encoding/json accepts too (TestMembersAgreesWithEncodingJSON).
func members(line []byte, fn func(key, raw []byte) error) error {
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return errNotObject
	}
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		return trailing(line, i+1)
	}
	for {
		if i >= len(line) || line[i] != '"' {
			return errNotObject
		}
		end, err := stringEnd(line, i)
		if err != nil {
			return err
		}
		key, err := decodeString(line[i:end])
		if err != nil {
			return err
		}
		i = skipSpace(line, end)
		if i >= len(line) || line[i] != ':' {
			return errNotObject
		}
		i = skipSpace(line, i+1)
		vend, err := valueEnd(line, i)
		if err != nil {
			return err
		}
		if err := fn(key, line[i:vend]); err != nil {
			return err
		}
		i = skipSpace(line, vend)
		if i >= len(line) {
			return errNotObject
		}
		switch line[i] {
		case ',':
			i = skipSpace(line, i+1)
		case '}':
			return trailing(line, i+1)
		default:
			return errNotObject
		}
	}
}

var errNotObject = errors.New("not a JSON object")

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// trailing checks that only whitespace follows the object.
func trailing(b []byte, i int) error {
	if skipSpace(b, i) != len(b) {
		return errNotObject
	}
	return nil
}

// stringEnd returns the index after the closing quote of the string that
// starts at b[i]. Raw control characters are not allowed in JSON strings.
func stringEnd(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '\\':
			j++
		case c == '"':
			return j + 1, nil
		case c < 0x20:
			return 0, fmt.Errorf("control character in a string")
		}
	}
	return 0, fmt.Errorf("unterminated string")
}

// decodeString decodes a JSON string literal: the bytes themselves when
// it has no escapes, encoding/json otherwise.
func decodeString(lit []byte) ([]byte, error) {
	inner := lit[1 : len(lit)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, nil
	}
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// valueEnd returns the index after the JSON value that starts at b[i].
// Values are delimited here; numbers, literals, nested values and strings
// with escapes are validated by encoding/json.
func valueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errNotObject
	}
	var end int
	switch b[i] {
	case '"':
		var err error
		if end, err = stringEnd(b, i); err != nil || bytes.IndexByte(b[i:end], '\\') < 0 {
			return end, err // no escapes: nothing more to check
		}
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, err := stringEnd(b, j)
				if err != nil {
					return 0, err
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					end = j + 1
				}
			}
			if end > 0 {
				break
			}
		}
		if end == 0 {
			return 0, fmt.Errorf("unterminated value")
		}
	default:
		end = i
		for end < len(b) && b[end] != ',' && b[end] != '}' && b[end] != ' ' && b[end] != '\t' && b[end] != '\r' && b[end] != '\n' {
			end++
		}
	}
	if !json.Valid(b[i:end]) {
		return 0, fmt.Errorf("invalid JSON value %q", b[i:end])
	}
	return end, nil
}
