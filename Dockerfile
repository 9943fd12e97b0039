# Static, non-root image of policybot. Build: docker build -t policybot .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/policybot ./cmd/policybot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/policybot /policybot
USER nonroot:nonroot
ENV HTTP_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/policybot"]
CMD ["serve"]
