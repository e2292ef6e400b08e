package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own so
// that two servers in one process (as in tests) do not collide.
type metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	storeErrors *prometheus.CounterVec
	queueWait   *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rapport_http_requests_total",
			Help: "HTTP requests answered, by route and status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rapport_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rapport_store_errors_total",
			Help: "Errors of the database, by store operation.",
		}, []string{"op"}),
	}
	m.queueWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "rapport_http_queue_wait_seconds",
		Help: "Time a request waited for a place among those served at once, by the order places were given in " +
			"as it came (oldest first, or newest first under overload) and by whether it was then served or shed.",
		Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1},
	}, []string{"order", "outcome"})
	m.registry.MustRegister(m.requests, m.latency, m.storeErrors, m.queueWait,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// observeWait records a request that waited for a place.
func (m *metrics) observeWait(newest, served bool, waited time.Duration) {
	order, outcome := "oldest", "shed"
	if newest {
		order = "newest"
	}
	if served {
		outcome = "served"
	}
	m.queueWait.WithLabelValues(order, outcome).Observe(waited.Seconds())
}

// StoreError counts an error of the database; the store calls it.
func (s *Server) StoreError(op string, _ error) {
	s.metrics.storeErrors.WithLabelValues(op).Inc()
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
