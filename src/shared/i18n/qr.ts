import { defineMessages } from './define';

/** The stall's QR code screen and its A4 poster (the stall screen's link to it: ./qr-link.ts). */
export const qr = defineMessages(
  {
    'qr.title': '扫码入会',
    'qr.step1': '1. 用微信或手机相机扫描下方二维码',
    'qr.step2': '2. 填写信息并提交，把回执页面给工作人员看',
    'qr.date': '日期：{date}',
    'qr.print': '打印海报',
    'qr.fullscreen': '全屏显示',
    'qr.back': '返回',
    'qr.link': '报名链接',
    'qr.loading': '正在准备二维码…',
    'qr.missing': '本机没有这个摊位的二维码。请联网后，从摊位页面或摊位列表打开。',
    'qr.codeLabel': '摊位“{stall}”的入会二维码，链接 {url}',
  },
  {
    'qr.title': 'Scan to join the union',
    'qr.step1': '1. Scan the code below with WeChat or your phone camera',
    'qr.step2': '2. Fill in the form, submit, and show the receipt to the staff',
    'qr.date': 'Date: {date}',
    'qr.print': 'Print the poster',
    'qr.fullscreen': 'Full screen',
    'qr.back': 'Back',
    'qr.link': 'Sign-up link',
    'qr.loading': 'Preparing the QR code…',
    'qr.missing': 'This device has no QR code for this stall. Go online and open it from the stall screen or the stall list.',
    'qr.codeLabel': 'QR code to join at “{stall}”, link {url}',
  },
);
