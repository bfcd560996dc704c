package notify

import (
	"context"
	"net/http"
	"time"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type Sender interface {
	Send(ctx context.Context, to, body string) error
}

type Handler struct{ sender Sender }

type Message struct{ Kind, To, Body string }

func (h *Handler) SendEmail(w http.ResponseWriter, r *http.Request) {
	span, ctx := tracer.StartSpanFromContext(r.Context(), "notify.email")
	defer span.Finish()
	if err := h.sender.Send(ctx, r.FormValue("to"), r.FormValue("body")); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (h *Handler) Render(ctx context.Context, template string) string {
	parent, _ := tracer.SpanFromContext(ctx)
	span := tracer.StartSpan("notify.render", tracer.ChildOf(parent.Context()))
	defer span.Finish()
	return template
}

// Consume handles queued notifications: each message is its own unit of work, parented from the
// message headers (not from the worker's ctx).
func Consume(ctx context.Context, sender Sender, messages <-chan Message) {
	for msg := range messages {
		span := tracer.StartSpan("notify.consume", tracer.ResourceName(msg.Kind))
		_ = sender.Send(ctx, msg.To, msg.Body)
		span.Finish()
	}
}

// RunDigest is started by main on a ticker: no request, so a new trace is what we want.
func RunDigest(sender Sender) {
	for range time.Tick(time.Hour) {
		span, ctx := tracer.StartSpanFromContext(context.Background(), "notify.digest")
		_ = sender.Send(ctx, "ops@example.com", "digest")
		span.Finish()
	}
}
