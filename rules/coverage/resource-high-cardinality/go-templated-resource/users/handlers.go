package users

import (
	"context"
	"fmt"
	"net/http"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/ext"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/gin-gonic/gin"
)

type Store interface {
	Get(ctx context.Context, id string) ([]byte, error)
}

type API struct{ store Store }

func (a *API) GetUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	span, ctx := tracer.StartSpanFromContext(r.Context(), "users.get",
		tracer.ResourceName("GET /users/{id}"), tracer.Tag("user.id", id))
	defer span.Finish()
	body, err := a.store.Get(ctx, id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	w.Write(body)
}

func (a *API) Proxy(c *gin.Context) {
	span, _ := tracer.SpanFromContext(c.Request.Context())
	span.SetTag(ext.ResourceName, fmt.Sprintf("%s %s", c.Request.Method, c.FullPath()))
	c.Status(http.StatusNoContent)
}

func (a *API) Avatar(ctx context.Context, userID string) {
	span, ctx := tracer.StartSpanFromContext(ctx, "users.avatar")
	span.SetTag("user.id", userID)
	defer span.Finish()
	_, _ = a.store.Get(ctx, "avatar/"+userID)
}
