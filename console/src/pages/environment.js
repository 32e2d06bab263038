// The environment information page (the lab's Help > Environment Information): the addresses a device and an
// application use to reach this server, with copy buttons and a short "how to connect".
import { route } from '../core/router.js';
import { h, mount, copyText } from '../core/dom.js';
import { t, defineStrings } from '../core/i18n.js';
import { get, currentSession } from '../core/api.js';
import { pageHeader, loading, toast, badge, errorText } from '../core/ui.js';

defineStrings({
  en: {
    'environment.title': 'Environment information', 'environment.mqtt': 'MQTT broker (TCP)',
    'environment.mqttTls': 'MQTT broker (SSL/TLS)', 'environment.api': 'REST API gateway', 'environment.live': 'Live values (WebSocket)',
    'environment.org': 'OU ID', 'environment.host': 'Host', 'environment.port': 'Port', 'environment.url': 'Address',
    'environment.tlsOff': 'Not enabled on this server', 'environment.enabled': 'Enabled',
    'environment.fallback': 'This server does not report its addresses ({error}); the host below is the one your browser used, the MQTT ports are unknown.',
    'environment.unknown': 'unknown', 'environment.howTitle': 'How to connect a device',
    'environment.how1': 'Register the device (Devices > Add) and note its productKey, deviceKey and deviceSecret.',
    'environment.how2': 'In the device program set the MQTT broker address above, e.g. with the EnOS Device SDK for Python:',
    'environment.how3': 'The device logs in with EnOS\'s MQTT login (client id "{deviceKey}|securemode=2,signmethod=hmacsha256,timestamp=…|", user name "{deviceKey}&{productKey}", password signed with the device secret); the SDKs do this for you.',
    'environment.how4': 'For an encrypted connection use the SSL/TLS address with the server\'s CA certificate.',
    'environment.how5': 'Applications call the REST API with an access token or a console session; live values stream over the WebSocket.',
  },
  zh: {
    'environment.title': '环境信息', 'environment.mqtt': 'MQTT Broker（TCP）', 'environment.mqttTls': 'MQTT Broker（SSL/TLS）',
    'environment.api': 'REST API 网关', 'environment.live': '实时数据（WebSocket）', 'environment.org': 'OU ID',
    'environment.host': '主机', 'environment.port': '端口', 'environment.url': '地址', 'environment.tlsOff': '本服务器未启用',
    'environment.enabled': '已启用',
    'environment.fallback': '服务器未返回地址信息（{error}）；以下主机为浏览器访问所用地址，MQTT 端口未知。',
    'environment.unknown': '未知', 'environment.howTitle': '如何连接设备',
    'environment.how1': '注册设备（设备资产 > 添加设备），记下 productKey、deviceKey 和 deviceSecret。',
    'environment.how2': '在设备程序中设置上面的 MQTT Broker 地址，例如使用 EnOS Device SDK for Python：',
    'environment.how3': '设备使用 EnOS 的 MQTT 登录方式（客户端 ID "{deviceKey}|securemode=2,signmethod=hmacsha256,timestamp=…|"，用户名 "{deviceKey}&{productKey}"，密码由设备密钥签名），SDK 会自动完成。',
    'environment.how4': '如需加密连接，请使用 SSL/TLS 地址并配置服务器的 CA 证书。',
    'environment.how5': '应用通过访问令牌或控制台会话调用 REST API；实时数据通过 WebSocket 推送。',
  },
});

function copyable(value, name) {
  if (!value) return h('span.muted', t('environment.unknown'));
  return h('span.env-value', h('code', { dataset: { env: name } }, String(value)),
    h('button.link.env-copy', {
      type: 'button', 'aria-label': `${t('common.copy')} ${name}`,
      onclick: async () => toast((await copyText(String(value))) ? t('common.copied') : String(value)),
    }, t('common.copy')));
}

function section(title, rows) {
  return h('div.panel.env-section', h('h2', title),
    h('dl.info', rows.map(([k, v]) => [h('dt', k), h('dd', v)])));
}

route('/environment', (el) => {
  let alive = true;
  const body = h('div');
  el.append(pageHeader(t('environment.title')), body);
  mount(body, loading());

  function draw(env, notice) {
    const mqtt = env.mqtt || {};
    const tls = env.mqttTls || {};
    const sample = [
      `TCP_SERVER_URL = "${mqtt.url || 'tcp://' + (mqtt.host || location.hostname) + ':<port>'}"`,
      'PRODUCT_KEY = "yourproductkey"',
      'DEVICE_KEY = "yourdevicekey"',
      'DEVICE_SECRET = "yourdevicesecret"',
    ].join('\n');
    mount(body,
      notice ? h('div.notice.env-fallback', notice) : null,
      h('div.env-grid',
        section(t('environment.mqtt'), [
          [t('environment.url'), copyable(mqtt.url, 'mqtt-url')],
          [t('environment.host'), copyable(mqtt.host, 'mqtt-host')],
          [t('environment.port'), copyable(mqtt.port, 'mqtt-port')],
        ]),
        section(t('environment.mqttTls'), tls.enabled ? [
          [t('environment.url'), copyable(tls.url, 'tls-url')],
          [t('environment.host'), copyable(tls.host, 'tls-host')],
          [t('environment.port'), copyable(tls.port, 'tls-port')],
        ] : [[t('environment.url'), h('span.muted.env-tls-off', t('environment.tlsOff'))]]),
        section(t('environment.api'), [
          [t('environment.url'), copyable(env.api?.url, 'api-url')],
          [t('environment.live'), copyable(env.live?.url, 'live-url')],
          [t('environment.org'), copyable(env.orgId, 'org-id')],
        ])),
      h('div.panel.env-how', h('h2', t('environment.howTitle')),
        h('ol',
          h('li', t('environment.how1')),
          h('li', t('environment.how2'), h('pre.env-sample', h('code', sample))),
          h('li', t('environment.how3')),
          h('li', t('environment.how4'), ' ', tls.enabled ? badge(t('environment.enabled'), 'ok') : badge(t('environment.tlsOff'))),
          h('li', t('environment.how5')))));
  }

  get('/system/v2.1/environment', { action: 'get' })
    .then((env) => alive && draw(env || {}))
    .catch((e) => {
      if (!alive) return;
      // An older server without the call: what the browser itself knows.
      const host = location.hostname;
      draw({ orgId: currentSession()?.user?.orgId, mqtt: { host }, api: { url: location.origin } }, t('environment.fallback', { error: errorText(e) }));
    });

  return () => {
    alive = false;
  };
});
