package notify

import (
	"context"
	"net/http"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/gin-gonic/gin"
)

type Sender interface {
	Send(ctx context.Context, to, body string) error
}

type Handler struct{ sender Sender }

func (h *Handler) SendEmail(w http.ResponseWriter, r *http.Request) {
	span, ctx := tracer.StartSpanFromContext(context.Background(), "notify.email") // expect: span-orphan-root
	defer span.Finish()
	if err := h.sender.Send(ctx, r.FormValue("to"), r.FormValue("body")); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (h *Handler) Render(ctx context.Context, template string) string {
	span := tracer.StartSpan("notify.render") // expect: span-orphan-root
	defer span.Finish()
	span.SetTag("template", template)
	return template
}

func (h *Handler) SendPush(c *gin.Context) {
	span, ctx := tracer.StartSpanFromContext(context.TODO(), "notify.push") // expect: span-orphan-root
	defer span.Finish()
	_ = h.sender.Send(ctx, c.Param("device"), c.PostForm("body"))
	c.Status(http.StatusAccepted)
}
