package plugin

import (
	"context"
	"fmt"

	"google.golang.org/grpc"

	"github.com/example/pipeline/connectors"
	pb "github.com/example/pipeline/connectors/internal/proto"
)

// describeRPC is what the Source and Sink services have in common.
type describeRPC interface {
	Describe(ctx context.Context, in *pb.DescribeRequest, opts ...grpc.CallOption) (*pb.DescribeResponse, error)
	Validate(ctx context.Context, in *pb.ValidateRequest, opts ...grpc.CallOption) (*pb.ValidateResponse, error)
}

// client is what SourceClient and SinkClient share: the connector's name
// (every error carries it), what is known of its process, and the
// connectors.Describer half of the contract.
type client struct {
	name string
	diag func(error) error // adds the process's fate to transport errors
	desc describeRPC
}

// Name returns the connector name used in errors.
func (c *client) Name() string { return c.name }

// bind names the client and ties its errors to its process (Registry).
func (c *client) bind(name string, diag func(error) error) { c.name, c.diag = name, diag }

func (c *client) errorf(ctx context.Context, op string, err error) error {
	return fmt.Errorf("connector %q: %s: %w", c.name, op, fromStatus(ctx, err, c.diag))
}

// Describe implements connectors.Describer.
func (c *client) Describe(ctx context.Context) (connectors.Description, error) {
	r, err := c.desc.Describe(ctx, &pb.DescribeRequest{})
	if err != nil {
		return connectors.Description{}, c.errorf(ctx, "describe", err)
	}
	return descriptionFromProto(r), nil
}

// Validate implements connectors.Describer. Bad options wrap
// connectors.ErrBadOptions.
func (c *client) Validate(ctx context.Context, opts connectors.Options) error {
	b, err := encodeOptions(opts)
	if err != nil {
		return fmt.Errorf("connector %q: validate: %w", c.name, err)
	}
	if _, err := c.desc.Validate(ctx, &pb.ValidateRequest{OptionsJson: b}); err != nil {
		return c.errorf(ctx, "validate", err)
	}
	return nil
}

// serveDescribe and serveValidate are the plugin side of the same half,
// shared by SourceServer and SinkServer.
func serveDescribe(ctx context.Context, impl connectors.Describer) (*pb.DescribeResponse, error) {
	d, err := impl.Describe(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return descriptionToProto(d), nil
}

func serveValidate(ctx context.Context, impl connectors.Describer, req *pb.ValidateRequest) (*pb.ValidateResponse, error) {
	opts, err := decodeOptions(req.GetOptionsJson())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := impl.Validate(ctx, opts); err != nil {
		return nil, toStatus(err)
	}
	return &pb.ValidateResponse{}, nil
}
