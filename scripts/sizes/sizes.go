package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const (
	// MaxFileLines is the most lines a hand-written Go file may have.
	MaxFileLines = 500
	// MaxFuncLines is the most lines a function may have (signature to
	// closing brace) unless its doc comment says why it is one piece.
	MaxFuncLines = 80
)

// Violation is one file or function over its limit. Func is "" for a file.
type Violation struct {
	File, Func string
	Lines      int
}

// Key names the violation without its size: "file" or "file: func".
func (v Violation) Key() string {
	if v.Func == "" {
		return v.File
	}
	return v.File + ": " + v.Func
}

func (v Violation) String() string {
	if v.Func == "" {
		return fmt.Sprintf("%s: %d lines (max %d)", v.File, v.Lines, MaxFileLines)
	}
	return fmt.Sprintf("%s: func %s: %d lines (max %d; or say in its doc comment why it must be one piece)", v.File, v.Func, v.Lines, MaxFuncLines)
}

// Check walks dirs and returns every violation, sorted by file.
func Check(dirs ...string) ([]Violation, error) {
	var out []Violation
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
				return err
			}
			vs, err := checkFile(p)
			out = append(out, vs...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}

func checkFile(path string) ([]Violation, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(src, []byte("Code generated")) && bytes.Contains(src, []byte("DO NOT EDIT.")) {
		return nil, nil
	}
	path = filepath.ToSlash(path)
	var out []Violation
	if n := bytes.Count(src, []byte("\n")); n > MaxFileLines {
		out = append(out, Violation{File: path, Lines: n})
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(path, "_test.go") {
		return out, nil // a test function is a scenario: the file limit applies
	}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		n := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
		if n <= MaxFuncLines || strings.Contains(fn.Doc.Text(), "one piece") {
			continue
		}
		out = append(out, Violation{File: path, Func: funcName(fn), Lines: n})
	}
	return out, nil
}

// funcName is "Name" or "(*Recv).Name".
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	star := ""
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = "*", s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return "(" + star + id.Name + ")." + fn.Name.Name
	}
	return fn.Name.Name
}
