package plugin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/example/pipeline/connectors"
	pb "github.com/example/pipeline/connectors/internal/proto"
)

// This file converts between the Go types of package connectors and their
// protobuf form. Arrow payloads are in arrow.go, errors in errors.go.

func encodeOptions(o connectors.Options) ([]byte, error) {
	if o == nil {
		return nil, nil
	}
	b, err := json.Marshal(map[string]any(o))
	if err != nil {
		return nil, fmt.Errorf("encode options: %w", err)
	}
	return b, nil
}

// decodeOptions parses options JSON. Whole numbers come back as int64 and
// others as float64, so a connector sees what YAML gave the host.
func decodeOptions(b []byte) (connectors.Options, error) {
	if len(b) == 0 {
		return connectors.Options{}, nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: options are not a JSON object: %v", connectors.ErrBadOptions, err)
	}
	for k, v := range m {
		m[k] = fixNumbers(v)
	}
	return connectors.Options(m), nil
}

func fixNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = fixNumbers(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = fixNumbers(e)
		}
		return x
	default:
		return v
	}
}

func descriptionToProto(d connectors.Description) *pb.DescribeResponse {
	r := &pb.DescribeResponse{Name: d.Name, Kind: string(d.Kind), Version: d.Version, Capabilities: d.Capabilities}
	for _, o := range d.Options {
		r.Options = append(r.Options, &pb.OptionSpec{Name: o.Name, Type: o.Type, Required: o.Required, Secret: o.Secret, Doc: o.Doc})
	}
	return r
}

func descriptionFromProto(r *pb.DescribeResponse) connectors.Description {
	d := connectors.Description{Name: r.GetName(), Kind: connectors.Kind(r.GetKind()), Version: r.GetVersion(), Capabilities: r.GetCapabilities()}
	for _, o := range r.GetOptions() {
		d.Options = append(d.Options, connectors.OptionSpec{Name: o.GetName(), Type: o.GetType(), Required: o.GetRequired(), Secret: o.GetSecret(), Doc: o.GetDoc()})
	}
	return d
}

func writeResultToProto(w *connectors.WriteResult) *pb.WriteResult {
	if w == nil {
		return &pb.WriteResult{}
	}
	r := &pb.WriteResult{Location: w.Location, Rows: w.Rows}
	for _, f := range w.Files {
		r.Files = append(r.Files, &pb.File{Path: f.Path, Rows: f.Rows, Bytes: f.Bytes, Sha256: f.SHA256})
	}
	return r
}

func writeResultFromProto(r *pb.WriteResult) *connectors.WriteResult {
	w := &connectors.WriteResult{Location: r.GetLocation(), Rows: r.GetRows()}
	for _, f := range r.GetFiles() {
		w.Files = append(w.Files, connectors.File{Path: f.GetPath(), Rows: f.GetRows(), Bytes: f.GetBytes(), SHA256: f.GetSha256()})
	}
	return w
}
