package users

import (
	"context"
	"fmt"
	"net/http"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/ext"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type Store interface {
	Get(ctx context.Context, id string) ([]byte, error)
}

type API struct{ store Store }

func (a *API) GetUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	span, ctx := tracer.StartSpanFromContext(r.Context(), "users.get",
		tracer.ResourceName(fmt.Sprintf("GET /users/%s", id))) // expect: resource-high-cardinality
	defer span.Finish()
	body, err := a.store.Get(ctx, id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	w.Write(body)
}

func (a *API) Proxy(w http.ResponseWriter, r *http.Request) {
	span, _ := tracer.SpanFromContext(r.Context())
	span.SetTag(ext.ResourceName, r.URL.Path) // expect: resource-high-cardinality
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) Avatar(ctx context.Context, userID string) {
	span, ctx := tracer.StartSpanFromContext(ctx, "users.avatar."+userID) // expect: resource-high-cardinality
	defer span.Finish()
	_, _ = a.store.Get(ctx, "avatar/"+userID)
}

func (a *API) Pinned(ctx context.Context) {
	span := tracer.StartSpan("users.pinned", tracer.ResourceName("GET /users/81723/pinned")) // expect: resource-high-cardinality
	defer span.Finish()
}
