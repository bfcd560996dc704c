package payments

import (
	"context"
	"fmt"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/ext"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

func Charge(ctx context.Context, op string, id int) {
	span, ctx := tracer.StartSpanFromContext(ctx, op, tracer.ResourceName(fmt.Sprintf("charge %d", id)))
	defer span.Finish()
	span.SetTag(ext.HTTPMethod, "POST")
}
