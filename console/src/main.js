// The console's entry: LBC needs synthetic shadow, loaded before any component.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import ConsoleApp from 'console/app';

document.getElementById('root').appendChild(createElement('console-app', { is: ConsoleApp }));
