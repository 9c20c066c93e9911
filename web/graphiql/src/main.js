// Kizuna's GraphiQL page, bundled so that it needs nothing from the internet.
//
// The server writes the page's HTML and its Content-Security-Policy (`script-src 'self'`), so no
// inline script may run: the endpoints come from data attributes of the mount element instead.
import "graphiql/style.css";
import "./page.css";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

const mount = document.getElementById("graphiql");
const endpoint = new URL(mount.dataset.endpoint || "/graphql", window.location.href);
const fetcherOptions = { url: endpoint.href };

const subscriptions = mount.dataset.subscriptionEndpoint;
if (subscriptions) {
  const socket = new URL(subscriptions, window.location.href);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  fetcherOptions.subscriptionUrl = socket.href;
}

createRoot(mount).render(
  createElement(GraphiQL, { fetcher: createGraphiQLFetcher(fetcherOptions) }),
);
