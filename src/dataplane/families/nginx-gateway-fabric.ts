/** NGINX Gateway Fabric (nginx/nginx-gateway-fabric): Gateway API rendered into nginx. */
import { dflt, type FamilyDef } from '../family.js';

const NGINX_PROXY = 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html';

export const nginxGatewayFabric: FamilyDef = {
  id: 'nginx-gateway-fabric',
  title: 'NGINX Gateway Fabric',
  identity: {
    names: ['nginx-gateway', 'nginx-gateway-fabric'],
    images: ['nginx-gateway-fabric', 'nginx/nginx-gateway'],
    ingressControllers: [],
    gatewayControllers: ['gateway.nginx.org/'],
  },
  // nginx's own defaults: NGINX Gateway Fabric renders proxy_* directives only where the route asks.
  defaults: [
    dflt(
      'nginx-gateway-fabric',
      'read-timeout',
      60,
      { url: `${NGINX_PROXY}#proxy_read_timeout` },
      {
        note: 'nginx proxy_read_timeout',
        setBy: ['HTTPRoute spec.rules[].timeouts'],
      },
    ),
    dflt(
      'nginx-gateway-fabric',
      'connect-timeout',
      60,
      { url: `${NGINX_PROXY}#proxy_connect_timeout` },
      {
        note: 'nginx proxy_connect_timeout',
      },
    ),
    dflt(
      'nginx-gateway-fabric',
      'send-timeout',
      60,
      { url: `${NGINX_PROXY}#proxy_send_timeout` },
      {
        note: 'nginx proxy_send_timeout',
      },
    ),
    dflt(
      'nginx-gateway-fabric',
      'buffer-size',
      4096,
      { url: `${NGINX_PROXY}#proxy_buffer_size` },
      {
        note: 'nginx proxy_buffer_size: one memory page (4k on x86-64)',
      },
    ),
  ],
};
