import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { TaleSpire } from './talespire/adapter.js';

// The handlers manifest.json names must be globals before TaleSpire initializes (module scripts run before
// DOMContentLoaded, when TaleSpire injects its API): assign them here, never lazily.
const ts = new TaleSpire();
Object.assign(window, ts.handlers);

mount(App, { target: document.getElementById('app')!, props: { ts } });
