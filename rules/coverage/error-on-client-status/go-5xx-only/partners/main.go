package main

import (
	"fmt"
	"log"
	"net/http"

	httptrace "github.com/DataDog/dd-trace-go/contrib/net/http/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/ext"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

func callPartner(r *http.Request, url string) (*http.Response, error) {
	span, ctx := tracer.StartSpanFromContext(r.Context(), "partners.call")
	defer span.Finish()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		span.SetTag(ext.Error, err)
		return nil, err
	}
	span.SetTag(ext.HTTPCode, resp.StatusCode)
	if resp.StatusCode >= http.StatusInternalServerError {
		span.SetTag(ext.Error, fmt.Errorf("partner returned %d", resp.StatusCode))
	}
	return resp, nil
}

func main() {
	tracer.Start()
	defer tracer.Stop()
	mux := httptrace.NewServeMux(httptrace.WithStatusCheck(func(statusCode int) bool { return statusCode >= 500 && statusCode != 503 }))
	mux.HandleFunc("/partners", func(w http.ResponseWriter, r *http.Request) {
		if _, err := callPartner(r, "http://partner-api/v1/status"); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
		}
	})
	log.Fatal(http.ListenAndServe(":8080", mux))
}
