package main

import (
	"fmt"
	"net/http"
	"os"

	"google.golang.org/grpc"
)

func fetch(path string) (*http.Response, error) {
	return http.Get(os.Getenv("ORDERS_URL") + path)
}

func fetchf(host string) (*http.Response, error) {
	return http.Get(fmt.Sprintf("http://%s/api", host))
}

func dial(target string) (*grpc.ClientConn, error) {
	return grpc.NewClient(target)
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Get("X-Request-Id")
	})
	http.ListenAndServe(":8080", mux)
}
